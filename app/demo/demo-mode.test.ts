import { describe, expect, it } from "vitest";
import { isDemoMode } from "./demo-mode.server";

describe("isDemoMode", () => {
  it("is on only when asked for explicitly", () => {
    expect(isDemoMode({ DEMO_MODE: "1", NODE_ENV: "development" })).toBe(true);
    expect(isDemoMode({ NODE_ENV: "development" })).toBe(false);
    expect(isDemoMode({ DEMO_MODE: "true", NODE_ENV: "development" })).toBe(false);
  });

  it("is never on in production", () => {
    expect(isDemoMode({ DEMO_MODE: "1", NODE_ENV: "production" })).toBe(false);
  });
});
