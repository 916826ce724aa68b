import { describe, expect, it } from "vitest";
import { countSegments } from "../messaging/segments";
import { shortCodeOfPath, shortLinkLength, shortLinkPlaceholder, shortLinkUrl } from "./short-link";
import { newShortCode } from "./short-code";

describe("short links", () => {
  it("live on the app's own origin, whatever path or slash SHOPIFY_APP_URL carries", () => {
    expect(shortLinkUrl("https://sms.example.com", "Ab3dE6gH")).toBe("https://sms.example.com/l/Ab3dE6gH");
    expect(shortLinkUrl("https://sms.example.com/", "Ab3dE6gH")).toBe("https://sms.example.com/l/Ab3dE6gH");
    expect(shortLinkUrl("https://sms.example.com:8443/app", "Ab3dE6gH")).toBe("https://sms.example.com:8443/l/Ab3dE6gH");
  });

  it("have one length, the placeholder's, so a text counts the same segments before and after the codes exist", () => {
    const appUrl = "https://sms-consent.test";
    const placeholder = shortLinkPlaceholder(appUrl);
    expect(placeholder).toBe("https://sms-consent.test/l/xxxxxxxx");
    expect(shortLinkLength(appUrl)).toBe(placeholder.length);
    const real = shortLinkUrl(appUrl, newShortCode());
    expect(real.length).toBe(placeholder.length);
    const text = (link: string) => `Acme: 20% off everything today ${link} see you soon! Reply STOP to opt out`;
    expect(countSegments(text(real))).toEqual(countSegments(text(placeholder)));
  });

  it("read their code from a request path", () => {
    expect(shortCodeOfPath("/l/Ab3dE6gH")).toBe("Ab3dE6gH");
    expect(shortCodeOfPath("/l/Ab3dE6gH?fbclid=1")).toBe("Ab3dE6gH");
    expect(shortCodeOfPath("/l/")).toBe("");
    expect(shortCodeOfPath("/l/a/b")).toBeNull();
    expect(shortCodeOfPath("/links/Ab3dE6gH")).toBeNull();
    expect(shortCodeOfPath("/app")).toBeNull();
  });
});
