import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { DcpError } from "../../../model/errors";
import { connectDocker, readTlsMaterial } from "../../../runtime/docker/driver";

/** docker-modem keeps the connection settings on the modem; its typings do not list them. */
const modem = (d: ReturnType<typeof connectDocker>) => d.modem as unknown as { protocol: string; cert?: Buffer };

describe("Docker connections", () => {
  const saved = process.env.DCP_TLS_DIR;
  beforeEach(() => delete process.env.DCP_TLS_DIR);
  afterAll(() => (saved === undefined ? delete process.env.DCP_TLS_DIR : (process.env.DCP_TLS_DIR = saved)));

  test("plain tcp to a remote daemon is refused without TLS material, naming the fix", () => {
    expect(() => connectDocker("tcp://10.0.0.5:2376")).toThrow(DcpError);
    expect(() => connectDocker("tcp://10.0.0.5:2376")).toThrow(/TLS material missing for Docker at tcp:\/\/10\.0\.0\.5:2376: set DCP_TLS_DIR .*--insecure-docker/);
  });

  test("plain tcp is allowed to loopback, and to a remote daemon only with insecureDocker", () => {
    expect(modem(connectDocker("tcp://127.0.0.1:2375")).protocol).toBe("http");
    expect(modem(connectDocker("tcp://10.0.0.5:2375", { insecureDocker: true })).protocol).toBe("http");
  });

  test("a TLS dir missing a file names that file", () => {
    const dir = mkdtempSync(join(tmpdir(), "dcp-tls-"));
    writeFileSync(join(dir, "ca.pem"), "x");
    expect(() => readTlsMaterial(dir)).toThrow(`TLS material missing: ${join(dir, "cert.pem")} not found; set DCP_TLS_DIR`);
    expect(() => connectDocker("tcp://10.0.0.5:2376", { tlsDir: dir })).toThrow(/cert\.pem not found/);
  });

  /** A self-signed certificate as ca.pem and cert.pem, its key as key.pem. */
  const tlsDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "dcp-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=dcp"], { cwd: dir, stdio: "ignore" });
    copyFileSync(join(dir, "cert.pem"), join(dir, "ca.pem"));
    return dir;
  };

  test("with complete TLS material the client speaks https through the dir's parsed context, not the PEM files", () => {
    const dir = tlsDir();
    const docker = connectDocker("tcp://10.0.0.5:2376", { tlsDir: dir });
    expect(modem(docker).protocol).toBe("https");
    const agent = (docker.modem as unknown as { agent: { options: Record<string, unknown> } }).agent;
    expect(agent.options.secureContext).toBe(readTlsMaterial(dir));
    // https.Agent names its pool after the request's ca, cert and key: none, so the name stays short.
    expect(modem(docker).cert).toBeUndefined();
    expect(agent.options.cert).toBeUndefined();
  });

  test("TLS material that is not PEM is refused naming its dir", () => {
    const dir = mkdtempSync(join(tmpdir(), "dcp-tls-"));
    for (const f of ["ca.pem", "cert.pem", "key.pem"]) writeFileSync(join(dir, f), `${f} contents`);
    expect(() => connectDocker("tcp://10.0.0.5:2376", { tlsDir: dir })).toThrow(`TLS material in ${dir} is not usable`);
  });

  test("the keep-alive agent formats as one short line: docker-modem inspects every request's options, even with its debug output off", () => {
    const dir = tlsDir();
    const agent = (connectDocker("tcp://10.0.0.5:2376", { tlsDir: dir }).modem as unknown as { agent: object }).agent;
    expect(inspect({ agent }, { showHidden: true, depth: null })).toBe("{ agent: [docker agent 10.0.0.5:2376] }");
  });

  test("endpoints that are neither tcp:// nor unix:// are refused", () => {
    expect(() => connectDocker("ssh://host")).toThrow(/is not tcp:\/\/host:port or unix:\/\/\/path/);
  });
});
