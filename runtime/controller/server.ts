/**
 * The controller's HTTP endpoint: `/metrics` in Prometheus text format, and `/healthz`
 * saying whether this instance leads or stands by (both answer 200 while it runs).
 */
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { DcpError } from "../../model/errors";
import { ControllerTelemetry } from "./telemetry";

/** Parses `host:port` (port 0: any free port). */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[2]) > 65535) throw new DcpError(`--listen ${listen}: use host:port, e.g. 127.0.0.1:9464`);
  return { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

export async function serveMetrics(telemetry: ControllerTelemetry, listen: string, leading: () => boolean): Promise<{ url: string; close(): Promise<void> }> {
  const { host, port } = parseListen(listen);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/metrics") {
      telemetry.text().then(
        (text) => {
          res.writeHead(200, { "content-type": telemetry.registry.contentType });
          res.end(text);
        },
        (err: Error) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(err.message);
        },
      );
    } else if (req.method === "GET" && path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(leading() ? "leading\n" : "standing by\n");
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: try /metrics or /healthz\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new DcpError(`cannot serve /metrics on ${listen}: ${err.message}`)));
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { url: `http://${shown}:${address.port}/metrics`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
