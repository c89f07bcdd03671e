/**
 * Alibaba Cloud's RPC-style request signature (signature method HMAC-SHA1, version 1.0),
 * as its OpenAPI documentation describes it:
 *
 *   StringToSign = METHOD & percentEncode("/") & percentEncode(canonicalized query)
 *   Signature    = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
 *
 * The canonicalized query is every parameter but Signature, sorted by name, each name and
 * value percent-encoded (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are; a space is
 * %20, not +), joined as name=value with &.
 */
import { createHmac } from "node:crypto";

/** Percent-encoding of the signature rules (encodeURIComponent leaves ! ' ( ) * unencoded). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== "Signature")
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`)
    .join("&");
}

export function stringToSign(method: "GET" | "POST", params: Record<string, string>): string {
  return `${method}&${percentEncode("/")}&${percentEncode(canonicalQuery(params))}`;
}

export function sign(method: "GET" | "POST", params: Record<string, string>, accessKeySecret: string): string {
  return createHmac("sha1", `${accessKeySecret}&`).update(stringToSign(method, params), "utf8").digest("base64");
}
