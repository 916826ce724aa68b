import { describe, expect, it } from "vitest";
import { trustProxyOf } from "./trust-proxy";

describe("trustProxyOf", () => {
  it("trusts no proxy by default", () => {
    for (const value of [undefined, "", " ", "0", "false"]) expect(trustProxyOf(value)).toBe(false);
  });

  it("reads a number of proxies, or their addresses", () => {
    expect(trustProxyOf("2")).toBe(2);
    expect(trustProxyOf("10.0.0.0/8, loopback")).toEqual(["10.0.0.0/8", "loopback"]);
  });

  it("refuses to trust every hop", () => {
    expect(() => trustProxyOf("true")).toThrow(/number of proxies/);
  });
});
