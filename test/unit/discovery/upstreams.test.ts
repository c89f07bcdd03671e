import fc from "fast-check";
import { DcpError } from "../../../model/errors";
import type { KvOp } from "../../../runtime/consul/client";
import type { UpstreamEntry } from "../../../model/inventory";
import { diffUpstreams, isUpstreamServer, parseUpstreamKey, parseUpstreamValue, upstreamFolder, upstreamKey } from "../../../runtime/discovery/upstreams";
import { cloudWeight, upstreamValue } from "../../../model/upstreams";

const P = "upstreams";

function entry(upstream: string, server: string, weight = 20, down = false, raw?: string): UpstreamEntry {
  const params = { weight, maxFails: 2, failTimeoutSeconds: 10, down };
  return { upstream, server, ...params, raw: raw ?? upstreamValue(params) };
}

/** Applies ops to a KV map the way Consul would, to check what a consumer ends up with. */
function applyOps(kv: Map<string, string>, ops: KvOp[]): void {
  for (const op of ops) {
    if (op.verb === "set") kv.set(op.key, op.value);
    else if (op.verb === "delete") kv.delete(op.key);
    else for (const k of [...kv.keys()]) if (k.startsWith(op.key)) kv.delete(k);
  }
}

function kvOf(entries: UpstreamEntry[]): Map<string, string> {
  return new Map(entries.map((e) => [upstreamKey(P, e.upstream, e.server), e.raw]));
}

function entriesOf(kv: Map<string, string>): UpstreamEntry[] {
  return [...kv].map(([key, raw]) => {
    const k = parseUpstreamKey(P, key)!;
    const v = parseUpstreamValue(raw);
    return { upstream: k.upstream, server: k.server, weight: v.weight, maxFails: v.maxFails, failTimeoutSeconds: v.failTimeoutSeconds, down: v.down, raw };
  });
}

describe("upstream key", () => {
  it("is <prefix>/<upstream>/<ipv4>:<port>", () => {
    expect(upstreamKey("upstreams", "feed_api", "192.168.79.13:8080")).toBe("upstreams/feed_api/192.168.79.13:8080");
    expect(upstreamKey("/edge/upstreams/", "feed_api", "10.0.0.1:80")).toBe("edge/upstreams/feed_api/10.0.0.1:80");
  });

  it("refuses a host name or a malformed address, which nginx-upsync-module would skip", () => {
    for (const bad of ["h3:8080", "h3.local:8080", "192.168.79.13", "192.168.79.13:0", "192.168.79.13:65536", "256.1.1.1:80", "[::1]:80", "1.2.3.4:08"]) {
      expect(isUpstreamServer(bad)).toBe(false);
      expect(() => upstreamKey(P, "feed_api", bad)).toThrow(/not a literal IPv4:port/);
    }
    expect(isUpstreamServer("0.0.0.0:1")).toBe(true);
    expect(isUpstreamServer("255.255.255.255:65535")).toBe(true);
  });

  it("refuses upstream names that are not one path segment", () => {
    expect(() => upstreamKey(P, "feed/api", "10.0.0.1:80")).toThrow(DcpError);
    expect(() => upstreamKey(P, "", "10.0.0.1:80")).toThrow(/upstream name/);
  });

  it("names the folder consumers follow with the trailing slash, so feed does not pick up feed2", () => {
    expect(upstreamFolder(P, "feed")).toBe("upstreams/feed/");
    expect(upstreamKey(P, "feed2", "10.0.0.1:80").startsWith(upstreamFolder(P, "feed"))).toBe(false);
  });

  it("parses back only keys the module would use", () => {
    expect(parseUpstreamKey(P, "upstreams/feed_api/10.0.0.1:8080")).toEqual({ upstream: "feed_api", server: "10.0.0.1:8080" });
    expect(parseUpstreamKey(P, "upstreams/feed_api/h3:8080")).toBeUndefined();
    expect(parseUpstreamKey(P, "upstreams/feed_api/")).toBeUndefined();
    expect(parseUpstreamKey(P, "upstreams/a/b/10.0.0.1:80")).toBeUndefined();
    expect(parseUpstreamKey(P, "other/feed_api/10.0.0.1:80")).toBeUndefined();
  });
});

describe("upstream value", () => {
  it("is exactly the strict, short JSON nginx-upsync-module reads", () => {
    expect(upstreamValue({ weight: 16, maxFails: 2, failTimeoutSeconds: 10, down: false })).toBe('{"weight":16,"max_fails":2,"fail_timeout":10,"down":0}');
    expect(upstreamValue({ weight: 1, maxFails: 0, failTimeoutSeconds: 0, down: true })).toBe('{"weight":1,"max_fails":0,"fail_timeout":0,"down":1}');
  });

  it("refuses non-integer or out-of-range parameters instead of writing something nginx would reinterpret", () => {
    expect(() => upstreamValue({ weight: 0, maxFails: 2, failTimeoutSeconds: 10, down: false })).toThrow(/weight 0 must be an integer >= 1/);
    expect(() => upstreamValue({ weight: 1.5, maxFails: 2, failTimeoutSeconds: 10, down: false })).toThrow(/weight/);
    expect(() => upstreamValue({ weight: 1, maxFails: -1, failTimeoutSeconds: 10, down: false })).toThrow(/maxFails/);
    expect(() => upstreamValue({ weight: 1, maxFails: 2, failTimeoutSeconds: 2.5, down: false })).toThrow(/failTimeoutSeconds/);
  });

  it("round-trips through the module's reading with no problems, and stays far below 1 KB", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 86_400 }), fc.boolean(), (weight, maxFails, failTimeoutSeconds, down) => {
        const raw = upstreamValue({ weight, maxFails, failTimeoutSeconds, down });
        expect(Buffer.byteLength(raw)).toBeLessThan(100);
        expect(parseUpstreamValue(raw)).toEqual({ weight, maxFails, failTimeoutSeconds, down, problems: [] });
      }),
    );
  });
});

describe("parseUpstreamValue reports what nginx-upsync-module would do", () => {
  it("a value that is not JSON is used with defaults: weight 1", () => {
    const v = parseUpstreamValue('{"weight":16,"max_fails":2,'); // truncated by a hand edit
    expect(v).toMatchObject({ weight: 1, maxFails: 2, failTimeoutSeconds: 10, down: false });
    expect(v.problems.join()).toMatch(/not JSON.*weight 1/);
  });

  it("an empty value is used with defaults", () => {
    expect(parseUpstreamValue("")).toMatchObject({ weight: 1, down: false, problems: [expect.stringMatching(/empty/)] });
  });

  it("a value of 1 KB or more does not fit the module's buffer", () => {
    const raw = `{"weight":16,"pad":"${"x".repeat(1024)}"}`;
    expect(parseUpstreamValue(raw).problems.join()).toMatch(/1024-byte buffer/);
  });

  it("string numbers are read but reported; garbage strings fall back to defaults", () => {
    const v = parseUpstreamValue('{"weight":"16","max_fails":"x","fail_timeout":10,"down":0}');
    expect(v.weight).toBe(16);
    expect(v.maxFails).toBe(2);
    expect(v.problems).toHaveLength(3);
  });

  it('"down":true is not a number to the module: the server stays up', () => {
    const v = parseUpstreamValue('{"weight":16,"max_fails":2,"fail_timeout":10,"down":true}');
    expect(v.down).toBe(false);
    expect(v.problems.join()).toMatch(/"down" is true; .*only 0 or 1/);
  });

  it("weight 0 or negative becomes 1; unknown fields and non-canonical spelling are reported", () => {
    expect(parseUpstreamValue('{"weight":0}')).toMatchObject({ weight: 1 });
    expect(parseUpstreamValue('{"weight":-3}').weight).toBe(1);
    expect(parseUpstreamValue('{"wieght":16}')).toMatchObject({ weight: 1, problems: [expect.stringMatching(/unknown field "wieght"/)] });
    const spaced = parseUpstreamValue('{"weight": 16, "max_fails": 2, "fail_timeout": 10, "down": 0}');
    expect(spaced).toMatchObject({ weight: 16, problems: [expect.stringMatching(/canonical/)] });
  });
});

describe("cloudWeight", () => {
  it("scales 20 to 16 with the default factor 0.8", () => expect(cloudWeight(20, 0.8)).toBe(16));
  it("rounds and never goes below 1", () => {
    expect(cloudWeight(3, 0.8)).toBe(2);
    expect(cloudWeight(1, 0.1)).toBe(1);
    expect(cloudWeight(7, 1)).toBe(7);
  });
  it("refuses a factor outside (0, 1] or a bad weight", () => {
    expect(() => cloudWeight(20, 0)).toThrow(/factor 0/);
    expect(() => cloudWeight(20, 1.2)).toThrow(/factor/);
    expect(() => cloudWeight(0, 0.8)).toThrow(/weight 0/);
  });
});

describe("diffUpstreams", () => {
  it("no change when live already matches", () => {
    const e = [entry("feed_api", "10.0.0.1:8080"), entry("feed_api", "10.0.0.2:8080")];
    expect(diffUpstreams(e, e)).toEqual([]);
  });

  it("adds new servers, rewrites changed values and deletes removed servers, sets first", () => {
    const live = [entry("feed_api", "10.0.0.1:8080"), entry("feed_api", "10.0.0.2:8080"), entry("feed_api", "10.0.0.3:8080")];
    const desired = [entry("feed_api", "10.0.0.1:8080", 16), entry("feed_api", "10.0.0.2:8080"), entry("feed_api", "10.0.0.4:8080")];
    expect(diffUpstreams(desired, live)).toEqual([
      { verb: "set", key: "upstreams/feed_api/10.0.0.1:8080", value: '{"weight":16,"max_fails":2,"fail_timeout":10,"down":0}' },
      { verb: "set", key: "upstreams/feed_api/10.0.0.4:8080", value: '{"weight":20,"max_fails":2,"fail_timeout":10,"down":0}' },
      { verb: "delete", key: "upstreams/feed_api/10.0.0.3:8080" },
    ]);
  });

  it("rewrites a hand-edited value that parses to the same numbers", () => {
    const live = [entry("feed_api", "10.0.0.1:8080", 20, false, '{"weight": 20}')];
    expect(diffUpstreams([entry("feed_api", "10.0.0.1:8080")], live)).toEqual([
      { verb: "set", key: "upstreams/feed_api/10.0.0.1:8080", value: '{"weight":20,"max_fails":2,"fail_timeout":10,"down":0}' },
    ]);
  });

  it("never deletes the last entry of an upstream: it is marked down", () => {
    const live = [entry("feed_api", "10.0.0.1:8080"), entry("feed_api", "10.0.0.2:8080")];
    const ops = diffUpstreams([], live);
    expect(ops).toEqual([
      { verb: "set", key: "upstreams/feed_api/10.0.0.1:8080", value: '{"weight":20,"max_fails":2,"fail_timeout":10,"down":1}' },
      { verb: "delete", key: "upstreams/feed_api/10.0.0.2:8080" },
    ]);
    // Re-running on the result changes nothing.
    const kv = kvOf(live);
    applyOps(kv, ops);
    expect(diffUpstreams([], entriesOf(kv))).toEqual([]);
  });

  it("keeps an entry that is already down rather than marking another", () => {
    const live = [entry("feed_api", "10.0.0.1:8080"), entry("feed_api", "10.0.0.2:8080", 20, true)];
    expect(diffUpstreams([], live)).toEqual([{ verb: "delete", key: "upstreams/feed_api/10.0.0.1:8080" }]);
  });

  it("a new server replaces a down placeholder", () => {
    const live = [entry("feed_api", "10.0.0.1:8080", 20, true)];
    expect(diffUpstreams([entry("feed_api", "10.0.0.5:8080")], live)).toEqual([
      { verb: "set", key: "upstreams/feed_api/10.0.0.5:8080", value: '{"weight":20,"max_fails":2,"fail_timeout":10,"down":0}' },
      { verb: "delete", key: "upstreams/feed_api/10.0.0.1:8080" },
    ]);
  });

  it("brings a down placeholder back up when it is desired again", () => {
    const live = [entry("feed_api", "10.0.0.1:8080", 20, true)];
    expect(diffUpstreams([entry("feed_api", "10.0.0.1:8080")], live)).toEqual([
      { verb: "set", key: "upstreams/feed_api/10.0.0.1:8080", value: '{"weight":20,"max_fails":2,"fail_timeout":10,"down":0}' },
    ]);
  });

  it("leaves other upstreams alone and uses the configured prefix", () => {
    const live = [entry("feed_api", "10.0.0.1:8080"), entry("remind_api", "10.0.0.9:8082")];
    expect(diffUpstreams([entry("feed_api", "10.0.0.1:8080"), entry("remind_api", "10.0.0.9:8082")], live, "edge")).toEqual([]);
    expect(diffUpstreams([entry("feed_api", "10.0.0.2:8080")], [], "edge")).toEqual([
      { verb: "set", key: "edge/feed_api/10.0.0.2:8080", value: '{"weight":20,"max_fails":2,"fail_timeout":10,"down":0}' },
    ]);
  });

  it("refuses a desired upstream that lists a server twice", () => {
    expect(() => diffUpstreams([entry("feed_api", "10.0.0.1:8080"), entry("feed_api", "10.0.0.1:8080", 3)], [])).toThrow(/lists server 10.0.0.1:8080 twice/);
  });

  it("property: converges in one step, and no prefix of the ops ever empties or shrinks an upstream below its final size", () => {
    const server = fc.integer({ min: 1, max: 6 }).map((i) => `10.0.0.${i}:8080`);
    const upstream = fc.constantFrom("a", "b", "c");
    const entries = fc
      .array(fc.record({ upstream, server, weight: fc.integer({ min: 1, max: 3 }), down: fc.boolean() }), { maxLength: 12 })
      .map((xs) => {
        const seen = new Set<string>();
        return xs.filter((x) => !seen.has(x.upstream + x.server) && seen.add(x.upstream + x.server)).map((x) => entry(x.upstream, x.server, x.weight, x.down));
      });
    fc.assert(
      fc.property(entries, entries, (desired, live) => {
        const ops = diffUpstreams(desired, live);
        const kv = kvOf(live);
        const count = (m: Map<string, string>, u: string) => [...m.keys()].filter((k) => k.startsWith(upstreamFolder(P, u))).length;
        const final = new Map(kv);
        applyOps(final, ops);
        for (let i = 0; i <= ops.length; i++) {
          const partial = new Map(kv);
          applyOps(partial, ops.slice(0, i));
          for (const u of ["a", "b", "c"]) {
            const before = count(kv, u);
            if (before > 0) expect(count(partial, u)).toBeGreaterThanOrEqual(Math.min(1, before));
            expect(count(partial, u)).toBeGreaterThanOrEqual(Math.min(count(final, u), before));
          }
        }
        // Desired servers are exactly the live ones after applying; upstreams that were emptied keep one down entry.
        for (const u of ["a", "b", "c"]) {
          const want = desired.filter((e) => e.upstream === u);
          const got = entriesOf(final).filter((e) => e.upstream === u);
          if (want.length > 0) expect(got.map((e) => e.raw + e.server).sort()).toEqual(want.map((e) => e.raw + e.server).sort());
          else if (live.some((e) => e.upstream === u)) expect(got).toEqual([expect.objectContaining({ down: true })]);
          else expect(got).toEqual([]);
        }
        expect(diffUpstreams(desired, entriesOf(final))).toEqual([]);
      }),
    );
  });
});
