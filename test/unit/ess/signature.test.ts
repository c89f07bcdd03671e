import { canonicalQuery, percentEncode, sign, stringToSign } from "../../../runtime/ess/signature";

describe("RPC signature (HMAC-SHA1, version 1.0)", () => {
  // The worked example of Alibaba Cloud's signature documentation (ECS DescribeRegions, secret "testsecret").
  const documented = {
    AccessKeyId: "testid",
    Action: "DescribeRegions",
    Format: "XML",
    SignatureMethod: "HMAC-SHA1",
    SignatureNonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    SignatureVersion: "1.0",
    Timestamp: "2016-02-23T12:46:24Z",
    Version: "2014-05-26",
  };

  it("gives the documented string to sign and signature", () => {
    expect(stringToSign("GET", documented)).toBe(
      "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
    );
    expect(sign("GET", documented, "testsecret")).toBe("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  });

  it("encodes as RFC 3986: a space is %20, * ! ' ( ) are encoded, ~ is not", () => {
    expect(percentEncode("a b*c!~'()")).toBe("a%20b%2Ac%21~%27%28%29");
    expect(percentEncode("数")).toBe("%E6%95%B0");
  });

  it("sorts by name and leaves the Signature parameter out", () => {
    expect(canonicalQuery({ b: "2", a: "1", Signature: "x" })).toBe("a=1&b=2");
  });
});
