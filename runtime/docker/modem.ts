/**
 * dockerode's transport to one daemon, with docker-modem's per-request overhead taken out
 * of the calls an apply makes thousands of times (create, start, inspect, list …).
 *
 * docker-modem spends about 85 µs of CPU on each request before and after Node's HTTP
 * client (measured against a loopback TLS server: 168 µs per request through dockerode,
 * 82 µs through https.request on the same agent): it parses and formats the URL four
 * times, formats the request options with util.inspect whatever the debug setting, and
 * parses every body as JSON inside a try, so that each empty answer (start, stop: 204)
 * throws. In a 10,000-container apply that was a tenth of dcp's CPU, on the one event
 * loop that feeds a thousand daemons.
 *
 * Requests that stream, upload or hijack (pull, events, attach) keep docker-modem's own
 * path. The plain ones build the same request docker-modem builds (same path, query,
 * body and headers) and answer through docker-modem's own status check: the body as JSON,
 * or the raw Buffer when it is not JSON; an unexpected status is docker-modem's Error.
 */
import { request } from "node:https";
import { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import Modem from "docker-modem";

type DialOptions = Modem.DialOptions;
type Callback = NonNullable<Parameters<Modem["dial"]>[1]>;

/** docker-modem's query string of the options (maps and objects as JSON); private in its typings. */
type QueryBuilder = { buildQuerystring(options: object): string };

/** Where the requests go: a daemon's address, the keep-alive agent holding its connections, the timeout per request. */
export interface DaemonTarget {
  host: string;
  port: number;
  agent: NonNullable<Modem.ConstructorOptions["agent"]>;
  timeoutMs: number;
}

export class DaemonModem extends Modem {
  constructor(private readonly target: DaemonTarget) {
    super({ host: target.host, port: target.port, protocol: "https", agent: target.agent, timeout: target.timeoutMs });
  }

  dial(options: DialOptions, callback?: Callback): void {
    if (options.isStream || options.hijack || options.openStdin || options.file || options.authconfig || options.registryconfig || options.abortSignal) {
      return super.dial(options, callback);
    }
    const { path, body, headers } = this.requestParts(options);
    let finished = false;
    const done: Callback = (err, result) => {
      if (finished) return;
      finished = true;
      callback?.(err, result);
    };
    const req = request({ host: this.target.host, port: this.target.port, path, method: options.method, headers, agent: this.target.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => answer(options, res, Buffer.concat(chunks), done));
      res.on("error", (err) => done(err, null));
    });
    req.setTimeout(this.target.timeoutMs, () => req.destroy());
    req.on("error", (err) => done(err, null));
    req.end(body);
  }

  /** Path with query, body and headers exactly as docker-modem's dial makes them. */
  requestParts(options: DialOptions): { path: string; body?: string; headers: OutgoingHttpHeaders } {
    const opts = options.options;
    let path = options.path;
    if (path.includes("?")) {
      path = opts && Object.keys(opts).length > 0 ? path + (this as unknown as QueryBuilder).buildQuerystring(opts._query || opts) : path.slice(0, -1);
    }
    const headers: OutgoingHttpHeaders = { ...options.headers };
    let body: string | undefined;
    if (opts && options.method === "POST") {
      body = JSON.stringify(opts._body || opts);
      if (!options.allowEmpty && (body === "{}" || body === '""')) body = undefined;
      else headers["Content-Type"] ??= "application/json";
    }
    if (body !== undefined) headers["Content-Length"] = Buffer.byteLength(body);
    return { path, body, headers };
  }
}

/** docker-modem's status check and error (message, `statusCode`, `reason`, `json`); private in its typings. */
type PayloadBuilder = {
  buildPayload(err: null, isStream: false, statusCodes: Modem.StatusCodes | undefined, openStdin: false, req: object, res: IncomingMessage, json: object | Buffer, callback: Callback): void;
};

/** The answer as docker-modem gives it: parsed JSON (the Buffer when the body is not JSON), or its Error for an unexpected status. */
export function answer(options: DialOptions, res: IncomingMessage, raw: Buffer, callback: Callback): void {
  (Modem.prototype as unknown as PayloadBuilder).buildPayload(null, false, options.statusCodes, false, {}, res, parsed(raw), callback);
}

/** JSON when the body is JSON; otherwise the Buffer itself (an empty answer, `OK` from _ping). */
function parsed(raw: Buffer): object | Buffer {
  const first = raw[0];
  // Only try what can be JSON: an empty 204 would otherwise throw, once per start and stop.
  if (first !== 0x7b && first !== 0x5b && first !== 0x22) return raw;
  try {
    return JSON.parse(raw.toString()) as object;
  } catch {
    return raw;
  }
}
