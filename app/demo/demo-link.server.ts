/**
 * The demo's admin link. Shopify admin normally hands the embedded app a session
 * token (an HS256 JWT signed with the app's API secret). The demo signs one
 * itself with the demo secret, so the admin pages go through the real
 * `authenticate.admin` check, not around it.
 */
import { createHmac, randomUUID } from "node:crypto";

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export function signSessionToken(options: { shop: string; apiKey: string; apiSecret: string; now?: Date; ttlSeconds?: number }): string {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(
    JSON.stringify({
      iss: `https://${options.shop}/admin`,
      dest: `https://${options.shop}`,
      aud: options.apiKey,
      sub: "1",
      exp: iat + (options.ttlSeconds ?? 12 * 60 * 60),
      nbf: iat - 5,
      iat,
      jti: randomUUID(),
      sid: randomUUID(),
    }),
  );
  const signature = createHmac("sha256", options.apiSecret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export function demoAdminUrl(options: { appUrl: string; shop: string; apiKey: string; apiSecret: string }): string {
  const url = new URL("/app", options.appUrl);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", options.shop);
  url.searchParams.set("host", base64url(`admin.shopify.com/store/${options.shop.replace(".myshopify.com", "")}`));
  url.searchParams.set("id_token", signSessionToken(options));
  return url.toString();
}
