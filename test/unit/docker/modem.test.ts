import { IncomingMessage } from "node:http";
import { Agent } from "node:https";
import Docker from "dockerode";
import Modem from "docker-modem";
import { answer, DaemonModem } from "../../../runtime/docker/modem";

/** The dial options dockerode gives its modem for each call an apply makes. */
async function dialsOf(calls: (d: Docker) => Array<Promise<unknown>>): Promise<Modem.DialOptions[]> {
  const seen: Modem.DialOptions[] = [];
  const recorder = { dial: (o: Modem.DialOptions, cb: (e: null, r: object) => void) => (seen.push(structuredClone({ ...o, abortSignal: undefined })), cb(null, {})) };
  await Promise.all(calls(new Docker({ modem: recorder } as Docker.DockerOptions)));
  return seen;
}

/** What docker-modem itself sends for these options: path with query, body, headers. */
function sentByDockerModem(o: Modem.DialOptions): { path: string; body?: string; headers: object } {
  const modem = new Modem({ host: "10.0.0.5", port: 2376, protocol: "https" }) as unknown as { dial: Modem["dial"]; buildRequest: (opts: { path: string; headers: object }, ctx: unknown, data?: string) => void };
  let sent: { path: string; body?: string; headers: object } | undefined;
  modem.buildRequest = (opts, _ctx, data) => (sent = { path: opts.path, body: data, headers: opts.headers });
  modem.dial(structuredClone(o));
  return sent!;
}

const daemon = new DaemonModem({ host: "10.0.0.5", port: 2376, agent: new Agent(), timeoutMs: 1000 });

describe("the daemon modem", () => {
  test("sends what docker-modem sends for every plain call an apply makes", async () => {
    const dials = await dialsOf((d) => [
      d.ping(),
      d.info(),
      d.listContainers({ all: true, filters: { label: ["dcp.managed=true"] } }),
      d.getImage("registry:5000/dcp/demo:1").inspect(),
      d.createContainer({ name: "feed-1-abc", Image: "demo:1", Env: ["A=1"], Labels: { "dcp.pool": "feed" }, HostConfig: { NetworkMode: "host", NanoCpus: 1e9 } }),
      d.getContainer("feed-1-abc").inspect(),
      d.getContainer("feed-1-abc").start(),
      d.getContainer("feed-1-abc").stop({ t: 10 }),
      d.getContainer("feed-1-abc").remove({ force: true }),
    ]);
    expect(dials).toHaveLength(9);
    for (const o of dials) {
      const ours = daemon.requestParts(structuredClone(o));
      const theirs = sentByDockerModem(o);
      expect({ path: ours.path, body: ours.body, headers: ours.headers }).toEqual(theirs);
    }
  });

  /** docker-modem's own answer for a status and body. */
  function dockerModemAnswer(o: Modem.DialOptions, status: number, body: string): Promise<{ err: (Error & { statusCode?: number; reason?: unknown }) | null; result: unknown }> {
    const modem = new Modem() as unknown as { buildPayload: (...a: unknown[]) => void };
    let json: unknown = null;
    try {
      json = JSON.parse(body);
    } catch {
      json = null;
    }
    return new Promise((resolve) => modem.buildPayload(null, false, o.statusCodes, false, {}, { statusCode: status }, json || Buffer.from(body), (err: Error | null, result: unknown) => resolve({ err: err as never, result })));
  }

  function ourAnswer(o: Modem.DialOptions, status: number, body: string): Promise<{ err: (Error & { statusCode?: number; reason?: unknown }) | null; result: unknown }> {
    return new Promise((resolve) => answer(o, { statusCode: status } as IncomingMessage, Buffer.from(body), (err, result) => resolve({ err: err as never, result })));
  }

  test.each([
    ["create: 201 with the id", "createContainer", 201, '{"Id":"abc","Warnings":[]}'],
    ["start: 204, empty", "start", 204, ""],
    ["start: 304, already running", "start", 304, ""],
    ["inspect: 404 with the daemon's message", "inspect", 404, '{"message":"No such container: feed-1-abc"}'],
    ["create: 409 name in use", "createContainer", 409, '{"message":"Conflict. The container name is already in use"}'],
    ["create: 500 that is not JSON", "createContainer", 500, "internal error"],
    ["ping: OK", "ping", 200, "OK"],
  ])("answers as docker-modem does (%s)", async (_what, call, status, body) => {
    const [o] = await dialsOf((d) => {
      const c = d.getContainer("feed-1-abc");
      const calls: Record<string, () => Promise<unknown>> = { createContainer: () => d.createContainer({ name: "x", Image: "y" }), start: () => c.start(), inspect: () => c.inspect(), ping: () => d.ping() };
      return [calls[call]()];
    });
    const ours = await ourAnswer(o, status, body);
    const theirs = await dockerModemAnswer(o, status, body);
    expect(ours.result).toEqual(theirs.result);
    expect(ours.err?.message).toBe(theirs.err?.message);
    expect(ours.err?.statusCode).toBe(theirs.err?.statusCode);
    expect(ours.err?.reason).toBe(theirs.err?.reason);
  });
});
