/** The fleet's network: a bridge in the root namespace and one namespace + veth per host. */
import { DcpError } from "../model/errors";
import { LocalSite, LocalSiteHost } from "./types";
import { ownedName } from "./layout";
import { run, tryRun } from "./system";

/** Network namespaces named with the fleet's prefix. */
export async function ownedNamespaces(fleetName: string): Promise<string[]> {
  const out = (await tryRun("ip", ["netns", "list"])) ?? "";
  const owned = ownedName(fleetName);
  return out
    .split("\n")
    .map((line) => line.split(" ")[0])
    .filter((ns) => owned.test(ns));
}

/** Links in the root namespace named with the fleet's prefix (host veths and the bridge). */
export async function ownedLinks(fleetName: string): Promise<string[]> {
  const links: Array<{ ifname: string }> = JSON.parse(await run("ip", ["-j", "link", "show"]));
  const owned = ownedName(fleetName);
  return links.map((l) => l.ifname).filter((n) => owned.test(n));
}

export async function deleteNamespace(ns: string): Promise<void> {
  await tryRun("ip", ["netns", "del", ns]);
}

export async function deleteLink(link: string): Promise<void> {
  await tryRun("ip", ["link", "del", link]);
}

/** Two bridges on one subnet would split its addresses between them: refuse before changing anything. */
export async function assertSubnetFree(fleet: LocalSite): Promise<void> {
  const prefix = fleet.gateway.replace(/\.1$/, ".");
  const links: Array<{ ifname: string; addr_info: Array<{ family: string; local: string }> }> = JSON.parse(
    await run("ip", ["-j", "addr", "show"]),
  );
  const clash = links.find((l) => l.ifname !== fleet.bridge && l.addr_info.some((a) => a.family === "inet" && a.local.startsWith(prefix)));
  if (clash) {
    throw new DcpError(`--subnet ${fleet.subnet} is already used by interface ${clash.ifname} on this machine: choose another /24`);
  }
}

export async function ensureBridge(fleet: LocalSite): Promise<void> {
  const cidr = `${fleet.gateway}/24`;
  if ((await tryRun("ip", ["link", "show", fleet.bridge])) === null) {
    await run("ip", ["link", "add", fleet.bridge, "type", "bridge"]);
  }
  const addrs = await run("ip", ["-o", "-4", "addr", "show", "dev", fleet.bridge]);
  if (!addrs.includes(` ${cidr} `)) await run("ip", ["addr", "add", cidr, "dev", fleet.bridge]);
  await run("ip", ["link", "set", fleet.bridge, "up"]);
}

/** True when the host's namespace exists with its address on eth0 and its veth is on the bridge. */
export async function hostNetworkOk(fleet: LocalSite, host: LocalSiteHost): Promise<boolean> {
  const inside = await tryRun("ip", ["-n", host.netns, "-o", "-4", "addr", "show", "dev", "eth0", "up"]);
  const outside = await tryRun("ip", ["-o", "link", "show", host.node]);
  return !!inside?.includes(` ${host.ip}/24 `) && !!outside?.includes(`master ${fleet.bridge}`) && outside.includes("state UP");
}

/** Creates the host's namespace and veth, replacing a broken one of the same name. */
export async function createHostNetwork(fleet: LocalSite, host: LocalSiteHost): Promise<void> {
  await deleteLink(host.node);
  await deleteNamespace(host.netns);
  await run("ip", ["netns", "add", host.netns]);
  // The root side keeps the node's name so that it is recognisably ours; inside it is eth0.
  await run("ip", ["link", "add", host.node, "type", "veth", "peer", "name", "eth0", "netns", host.netns]);
  await run("ip", ["link", "set", host.node, "master", fleet.bridge, "up"]);
  await run("ip", ["-n", host.netns, "link", "set", "lo", "up"]);
  await run("ip", ["-n", host.netns, "addr", "add", `${host.ip}/24`, "dev", "eth0"]);
  await run("ip", ["-n", host.netns, "link", "set", "eth0", "up"]);
  await run("ip", ["-n", host.netns, "route", "add", "default", "via", fleet.gateway]);
}

/** Pids of every process inside a namespace (daemons and host-network containers). */
export async function namespacePids(ns: string): Promise<number[]> {
  const out = (await tryRun("ip", ["netns", "pids", ns])) ?? "";
  return out
    .split("\n")
    .map(Number)
    .filter((p) => Number.isInteger(p) && p > 0);
}
