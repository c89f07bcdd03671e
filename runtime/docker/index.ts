export { connectDocker, readTlsMaterial, HostDocker, withTimeout, type DockerOptions, type DaemonContainer } from "./driver";
export { DockerHosts } from "./hosts";
