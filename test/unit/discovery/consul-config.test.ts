import { consulConfigFromEnv } from "../../../runtime/consul/client";

describe("consulConfigFromEnv", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("defaults to the local agent, root dcp, prefix upstreams, 60 s of retries", () => {
    delete process.env.CONSUL_HTTP_ADDR;
    delete process.env.CONSUL_HTTP_TOKEN;
    delete process.env.DCP_KV_ROOT;
    expect(consulConfigFromEnv()).toEqual({
      address: "http://127.0.0.1:8500",
      token: undefined,
      kvRoot: "dcp",
      upstreamPrefix: "upstreams",
      agentPort: 8500,
      retryForMs: 60_000,
    });
  });

  it("reads CONSUL_HTTP_ADDR (with or without scheme) and CONSUL_HTTP_TOKEN", () => {
    process.env.CONSUL_HTTP_ADDR = "127.0.0.1:18500";
    process.env.CONSUL_HTTP_TOKEN = "s3cr3t";
    expect(consulConfigFromEnv()).toMatchObject({ address: "http://127.0.0.1:18500", token: "s3cr3t" });
    process.env.CONSUL_HTTP_ADDR = "https://consul.example:8501/";
    expect(consulConfigFromEnv().address).toBe("https://consul.example:8501");
  });

  it("overrides win over the environment", () => {
    process.env.CONSUL_HTTP_ADDR = "http://10.0.0.1:8500";
    expect(consulConfigFromEnv({ address: "http://127.0.0.1:9", retryForMs: 5 })).toMatchObject({ address: "http://127.0.0.1:9", retryForMs: 5 });
  });

  it("refuses an address that is not http(s), naming the variable", () => {
    process.env.CONSUL_HTTP_ADDR = "unix:///var/run/consul.sock";
    expect(() => consulConfigFromEnv()).toThrow(/CONSUL_HTTP_ADDR "unix:\/\/\/var\/run\/consul.sock" must use http/);
    process.env.CONSUL_HTTP_ADDR = "http://";
    expect(() => consulConfigFromEnv()).toThrow(/not a valid address/);
  });
});
