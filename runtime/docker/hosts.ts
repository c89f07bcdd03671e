/**
 * One driver per host daemon for the life of a command, so connections (and their TLS
 * sessions) are reused between the inventory read and the apply.
 */
import { DockerOptions, HostDocker } from "./driver";

export class DockerHosts {
  private readonly drivers = new Map<string, HostDocker>();

  constructor(readonly options: DockerOptions = {}) {}

  get(node: string, endpoint: string): HostDocker {
    const key = `${node}@${endpoint}`;
    let driver = this.drivers.get(key);
    if (!driver) {
      driver = new HostDocker(node, endpoint, this.options);
      this.drivers.set(key, driver);
    }
    return driver;
  }

  /** Closes every daemon's kept connections (the end of a command). */
  close(): void {
    for (const driver of this.drivers.values()) driver.close();
    this.drivers.clear();
  }
}
