/**
 * Which proxies in front of the app may say who the client is (TRUST_PROXY),
 * as Express's `trust proxy` setting, which proxy-addr applies to
 * X-Forwarded-For: `req.ip` is then the TCP peer when nothing is trusted, or
 * the address the last trusted proxy saw. Unset (or 0/false): no proxy, so the
 * client is the peer and a client's own X-Forwarded-For changes nothing.
 * A number: that many proxies in front (the client is the entry the outermost
 * one added). Otherwise a comma-separated list of the proxies' addresses or
 * ranges (`10.0.0.0/8, loopback`). `true` (trust every hop, so the first,
 * forgeable entry) is refused.
 */
export type TrustProxySetting = false | number | string[];

export function trustProxyOf(value: string | undefined): TrustProxySetting {
  const setting = value?.trim() ?? "";
  if (setting === "" || setting === "0" || setting.toLowerCase() === "false") return false;
  if (/^\d+$/.test(setting)) return Number(setting);
  if (setting.toLowerCase() === "true") {
    throw new Error("TRUST_PROXY=true would trust whatever X-Forwarded-For a client sends: set the number of proxies in front of the app, or their addresses");
  }
  return setting.split(",").map((entry) => entry.trim()).filter(Boolean);
}
