import { DcpError } from "../../../model/errors";
import { hostAddress, hostSlot, siteLayout } from "../../../local-site/layout";

describe("siteLayout", () => {
  test("default fleet: 6 hosts, h1-h2 private, h3-h6 cloud with zones round-robin", () => {
    const fleet = siteLayout();
    expect(fleet.name).toBe("dcp");
    expect(fleet.consulHttp).toBe("http://127.0.0.1:8500");
    expect(fleet.image).toBe("192.168.77.1:5000/dcp/demo:1");
    expect(fleet.hosts.map((h) => [h.node, h.ip, h.idc, h.zone, h.fleet, h.cpu, h.memoryMiB, h.cloud])).toEqual([
      ["dcp-h1", "192.168.77.11", "yf-private", "yf-a", "yf-standard", 32, 65536, false],
      ["dcp-h2", "192.168.77.12", "yf-private", "yf-a", "yf-standard", 32, 65536, false],
      ["dcp-h3", "192.168.77.13", "aliyun-bj", "cn-beijing-h", "bj-standard", 16, 32768, true],
      ["dcp-h4", "192.168.77.14", "aliyun-bj", "cn-beijing-i", "bj-standard", 16, 32768, true],
      ["dcp-h5", "192.168.77.15", "aliyun-bj", "cn-beijing-j", "bj-standard", 16, 32768, true],
      ["dcp-h6", "192.168.77.16", "aliyun-bj", "cn-beijing-h", "bj-standard", 16, 32768, true],
    ]);
    expect(fleet.hosts[0].dockerEndpoint).toBe("tcp://192.168.77.11:2376");
  });

  test("the test fleet has its own subnet, Consul ports and a large host class", () => {
    const fleet = siteLayout({ name: "dcptest" });
    expect(fleet.subnet).toBe("192.168.79.0/24");
    expect(fleet.consulHttp).toBe("http://127.0.0.1:8510");
    expect(fleet.consulDns).toBe("127.0.0.1:8610");
    expect(fleet.stateDir).toBe("/var/lib/dcp/dcptest");
    expect(fleet.hosts).toHaveLength(6);
    expect(fleet.hosts.every((h) => h.cpu === 128 && h.memoryMiB === 262144)).toBe(true);
  });

  test("given options win over the name's defaults; undefined ones do not", () => {
    const fleet = siteLayout({ name: "dcptest", hosts: 3, hostCpu: undefined, subnet: "10.9.8.0/24" });
    expect(fleet.hosts.map((h) => h.ip)).toEqual(["10.9.8.11", "10.9.8.12", "10.9.8.13"]);
    expect(fleet.hosts[0].cpu).toBe(128);
  });

  test("a base alone has no hosts; a host's slot gives its name and address", () => {
    expect(siteLayout({ hosts: 0 }).hosts).toEqual([]);
    expect(hostAddress("dcp", "192.168.77.0/24", 41)).toEqual({ node: "dcp-h41", ip: "192.168.77.51", dockerEndpoint: "tcp://192.168.77.51:2376", netns: "dcp-h41" });
    expect(hostSlot("dcp", "dcp-h41")).toBe(41);
    expect(hostSlot("dcp", "dcp-h245")).toBeUndefined();
    expect(hostSlot("dcp", "dcpx-h1")).toBeUndefined();
    expect(() => hostAddress("dcp", "192.168.77.0/24", 245)).toThrow(/host slot 245: must be a whole number from 1 to 244/);
  });

  test.each([
    [{ name: "prod" }, /starts with "dcp"/],
    [{ name: "dcp-x" }, /lowercase letters or digits/],
    [{ name: "dcpabcdefgh" }, /at most 10/],
    [{ subnet: "192.168.77.0/16" }, /--subnet 192.168.77.0\/16: must be an IPv4 \/24/],
    [{ subnet: "8.8.8.0/24" }, /private range/],
    [{ subnet: "192.168.300.0/24" }, /must be an IPv4/],
    [{ hosts: -1 }, /--hosts -1: must be a whole number from 0 to 200/],
    [{ hosts: 201 }, /--hosts 201: must be a whole number from 0 to 200/],
    [{ hosts: 2.5 }, /--hosts 2.5/],
    [{ consulHttpPort: 8600 }, /both 8600/],
    [{ hostMemoryMiB: -1 }, /--host-memory-mib -1/],
  ])("rejects %j with an error that says what to change", (options, message) => {
    expect(() => siteLayout(options)).toThrow(DcpError);
    expect(() => siteLayout(options)).toThrow(message);
  });
});
