/**
 * hosts/bootstrap.sh `enrol`, against a test enrolment service that keeps the contract of
 * docs/alibaba-cloud.md ("Host identity"): real openssl on both sides, real curl over TLS
 * on loopback. The host makes its key, sends only a certificate request for its own
 * address, and accepts only a certificate of the host CA for that address and key.
 */
import { spawn, spawnSync } from "node:child_process";
import { createServer, Server } from "node:https";
import { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate, createPublicKey, randomUUID } from "node:crypto";
import { BOOTSTRAP, cloudHostEnv } from "./host-env";

const openssl = (args: string[], cwd: string) => {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};
const KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dcp-enrol-"));
  openssl(["req", "-x509", ...KEY, "-keyout", "host-ca-key.pem", "-out", "host-ca.pem", "-days", "2", "-subj", "/CN=test host CA"], dir);
  openssl(["req", "-x509", ...KEY, "-keyout", "other-ca-key.pem", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=another CA"], dir);
  // The enrolment service's own certificate, for 127.0.0.1, from the host CA: hosts check it.
  writeFileSync(join(dir, "service.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl(["req", "-new", ...KEY, "-keyout", "service-key.pem", "-out", "service.csr", "-subj", "/CN=enrolment"], dir);
  openssl(["x509", "-req", "-in", "service.csr", "-CA", "host-ca.pem", "-CAkey", "host-ca-key.pem", "-set_serial", "1", "-days", "2", "-extfile", "service.ext", "-out", "service.pem"], dir);
  mkdirSync(join(dir, "tls"));
  writeFileSync(join(dir, "tls", "host-ca.pem"), readFileSync(join(dir, "host-ca.pem")));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Seen {
  path: string;
  body: string;
}

/** The test enrolment service: signs a CSR only for the address the request comes from. */
async function enrolmentService(signWith: "host-ca" | "other-ca", seen: Seen[]): Promise<{ server: Server; url: string; token: string }> {
  const token = randomUUID();
  const server = createServer({ key: readFileSync(join(dir, "service-key.pem")), cert: readFileSync(join(dir, "service.pem")) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ path: req.url ?? "", body });
      if (req.method !== "POST") return void res.writeHead(405).end();
      if (/\/consul-agent-token$/.test(req.url ?? "")) return void res.writeHead(200).end(`${token}\n`);
      const csr = join(dir, `req-${seen.length}.csr`);
      writeFileSync(csr, body);
      const text = spawnSync("openssl", ["req", "-in", csr, "-noout", "-text"], { encoding: "utf8" }).stdout;
      const source = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
      if (!text.includes(`IP Address:${source}`)) return void res.writeHead(403).end(`certificate request is not for ${source}\n`);
      const out = join(dir, `cert-${seen.length}.pem`);
      openssl(["x509", "-req", "-in", csr, "-CA", `${signWith}.pem`, "-CAkey", `${signWith}-key.pem`, "-set_serial", String(seen.length + 10), "-days", "2", "-copy_extensions", "copy", "-out", out], dir);
      res.writeHead(200, { "content-type": "application/x-pem-file" }).end(readFileSync(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, token };
}

/** Runs `bootstrap.sh enrol` asynchronously (the service answers from this process). */
function enrol(url: string, hostIp = "127.0.0.1"): Promise<{ status: number; stderr: string }> {
  const env = cloudHostEnv(dir, { DCP_HOST_IP: hostIp, DCP_CONSUL_ACL: "1", DCP_ENROL_URL: url, DCP_ENROL_RETRIES: "0" });

  return new Promise((resolve) => {
    const child = spawn("bash", [BOOTSTRAP, "enrol"], { env });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status: status ?? 1, stderr }));
  });
}

test("the host makes its own key, sends only a request for its own address, and gets its certificate and agent token", async () => {
  const seen: Seen[] = [];
  const { server, url, token } = await enrolmentService("host-ca", seen);
  try {
    const run = await enrol(url);
    expect(run).toMatchObject({ status: 0 });
    const key = join(dir, "tls", "server-key.pem");
    expect(statSync(key).mode & 0o077).toBe(0);
    const cert = new X509Certificate(readFileSync(join(dir, "tls", "server-cert.pem")));
    expect(cert.verify(new X509Certificate(readFileSync(join(dir, "host-ca.pem"))).publicKey)).toBe(true);
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.publicKey.export({ type: "spki", format: "pem" })).toBe(createPublicKey(readFileSync(key)).export({ type: "spki", format: "pem" }));
    // What left the host: a certificate request, then an empty token request; never a key.
    expect(seen.map((s) => s.path)).toEqual(["/v1/hosts/i-2ze0abc/certificate", "/v1/hosts/i-2ze0abc/consul-agent-token"]);
    expect(seen[0].body).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    for (const s of seen) expect(s.body).not.toMatch(/PRIVATE KEY/);
    expect(readFileSync(join(dir, "state", "consul.d", "agent-token.hcl"), "utf8")).toContain(`agent = "${token}"`);
    expect(statSync(join(dir, "state", "agent-token")).mode & 0o077).toBe(0);

    // Enrolled already (a reboot): nothing is asked again.
    expect(await enrol(url)).toMatchObject({ status: 0 });
    expect(seen).toHaveLength(2);
  } finally {
    server.close();
  }
}, 30_000);

test("a certificate from another CA is refused and not installed", async () => {
  const { server, url } = await enrolmentService("other-ca", []);
  try {
    const run = await enrol(url);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("not signed by host-ca.pem");
    expect(existsSync(join(dir, "tls", "server-cert.pem"))).toBe(false);
  } finally {
    server.close();
  }
}, 30_000);

test("the service refuses a request for an address the host does not have, and the host stops", async () => {
  const seen: Seen[] = [];
  const { server, url } = await enrolmentService("host-ca", seen);
  try {
    const run = await enrol(url, "192.0.2.44");
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/403/);
    expect(existsSync(join(dir, "tls", "server-cert.pem"))).toBe(false);
    expect(seen).toHaveLength(1);
  } finally {
    server.close();
  }
}, 30_000);
