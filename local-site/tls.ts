/**
 * The fleet's certificates (openssl): one CA, a server certificate per host for dockerd
 * (IP SAN = the host's address) and one client certificate for the runtime. Docker
 * daemons accept only clients signed by this CA (--tlsverify).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hostTlsDir } from "./layout";
import { LocalSite, LocalSiteHost } from "./types";
import { run } from "./system";

const KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
const DAYS = "3650";

async function sign(fleet: LocalSite, dir: string, certName: string, keyName: string, subject: string, ext: string) {
  const csr = join(dir, `${certName}.csr`);
  const extFile = join(dir, `${certName}.ext`);
  writeFileSync(extFile, ext);
  await run("openssl", ["req", ...KEY, "-keyout", join(dir, keyName), "-out", csr, "-subj", subject]);
  await run("openssl", [
    "x509", "-req", "-in", csr, "-CA", join(fleet.tlsDir, "ca.pem"), "-CAkey", join(fleet.tlsDir, "ca-key.pem"),
    // A random serial per certificate: hosts are signed in parallel, a shared serial file would race.
    "-set_serial", `0x${randomBytes(16).toString("hex")}`, "-days", DAYS, "-out", join(dir, certName), "-extfile", extFile,
  ]);
}

/** CA and client certificate; kept when present so that running daemons keep trusting the client. */
export async function ensureFleetCertificates(fleet: LocalSite): Promise<void> {
  mkdirSync(fleet.tlsDir, { recursive: true, mode: 0o700 });
  if (!existsSync(join(fleet.tlsDir, "ca.pem"))) {
    await run("openssl", [
      "req", "-x509", ...KEY, "-keyout", join(fleet.tlsDir, "ca-key.pem"), "-out", join(fleet.tlsDir, "ca.pem"),
      "-days", DAYS, "-subj", `/CN=dcp fleet ${fleet.name} CA`,
    ]);
  }
  if (!existsSync(join(fleet.tlsDir, "cert.pem"))) {
    await sign(fleet, fleet.tlsDir, "cert.pem", "key.pem", `/CN=dcp-client-${fleet.name}`, "extendedKeyUsage=clientAuth\n");
  }
}

export async function ensureHostCertificate(fleet: LocalSite, host: LocalSiteHost): Promise<void> {
  const dir = hostTlsDir(fleet, host.node);
  if (existsSync(join(dir, "server-cert.pem"))) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await run("cp", [join(fleet.tlsDir, "ca.pem"), join(dir, "ca.pem")]);
  await sign(
    fleet, dir, "server-cert.pem", "server-key.pem", `/CN=${host.node}`,
    `subjectAltName=IP:${host.ip},IP:127.0.0.1,DNS:${host.node}\nextendedKeyUsage=serverAuth\n`,
  );
}
