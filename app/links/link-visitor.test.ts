import { describe, expect, it } from "vitest";
import { isCountedClick, visitKind, type LinkVisit } from "./link-visitor";

const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";

function visit(userAgent: string | undefined, options: { method?: string; headers?: Record<string, string> } = {}): LinkVisit {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (userAgent !== undefined) headers["user-agent"] = userAgent;
  return { method: options.method ?? "GET", header: (name) => headers[name] };
}

describe("visitKind", () => {
  it.each([
    ["iPhone Safari", IPHONE_SAFARI],
    ["Android Chrome", ANDROID_CHROME],
    ["Samsung Internet", "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36"],
    ["Firefox on a desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"],
    ["Instagram's in-app browser", "Mozilla/5.0 (Linux; Android 13; SM-S918B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 Instagram 300.0.0.0"],
    ["Facebook's in-app browser", "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/400.0]"],
    ["Snapchat's in-app browser", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/12.60.0.40 (like Safari/8617.2.4.10.8, panda)"],
  ])("a person in %s is a click", (_, userAgent) => {
    expect(visitKind(visit(userAgent))).toBe("click");
    expect(isCountedClick(visit(userAgent))).toBe(true);
  });

  // User agents as the fetchers send them (reported in public issue threads of user-agent parsers and link-preview tools).
  it.each([
    ["iMessage's preview", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0"],
    ["Google Messages' preview", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile Safari/537.36 GoogleMessages/20.1"],
    ["Android's snippet fetcher", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Safari/537.36 Google (+https://developers.google.com/+/web/snippet/)"],
    ["WhatsApp", "WhatsApp/2.23.20.0 A"],
    ["Signal (fetches as WhatsApp)", "WhatsApp/2"],
    ["Telegram", "TelegramBot (like TwitterBot)"],
    ["Slack's unfurler", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"],
    ["Discord", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"],
    ["Skype and Teams", "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com"],
    ["Facebook's crawler", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"],
    ["LinkedIn", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"],
    ["Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"],
    ["curl", "curl/8.4.0"],
    ["a Python script", "python-requests/2.31.0"],
  ])("%s is a bot, not a click", (_, userAgent) => {
    expect(visitKind(visit(userAgent))).toBe("bot");
    expect(isCountedClick(visit(userAgent))).toBe(false);
  });

  it("a HEAD request is a check, whoever sends it", () => {
    expect(visitKind(visit(IPHONE_SAFARI, { method: "HEAD" }))).toBe("head");
  });

  it.each<Record<string, string>>([
    { purpose: "prefetch" },
    { "sec-purpose": "prefetch" },
    { "sec-purpose": "prefetch;prerender" },
    { "x-purpose": "preview" },
    { "x-moz": "prefetch" },
  ])("a browser's prefetch (%j) is not a click", (headers) => {
    expect(visitKind(visit(ANDROID_CHROME, { headers }))).toBe("prefetch");
  });

  it("a request with no User-Agent is not a click", () => {
    expect(visitKind(visit(undefined))).toBe("no_user_agent");
    expect(visitKind(visit("   "))).toBe("no_user_agent");
  });

  it("an unrelated Purpose header does not make a click a prefetch", () => {
    expect(visitKind(visit(ANDROID_CHROME, { headers: { purpose: "navigate" } }))).toBe("click");
  });
});
