/**
 * Demo mode lets someone evaluate the admin pages in a plain browser, without a
 * Shopify store. It is on only when DEMO_MODE=1 is set explicitly AND the app
 * is not running with NODE_ENV=production, so a production deployment can never
 * expose the demo link, whatever else is configured.
 */
export const DEMO_SHOP = "demo-shop.myshopify.com";
export const DEMO_INBOUND_NUMBER = "+15005550006";
export const DEMO_TWILIO_ACCOUNT_SID = "AC" + "de".repeat(16); // 34 characters, like a real account SID
export const DEFAULT_DEMO_TWILIO_AUTH_TOKEN = "demo-twilio-auth-token";
// The demo's Shopify app credentials and encryption key: published (in this repository), so never for a real shop.
export const DEMO_SHOPIFY_API_KEY = "demo-api-key";
export const DEMO_SHOPIFY_API_SECRET = "demo-api-secret";
export const DEMO_ENCRYPTION_KEY = "de".repeat(32);

/** A variable set to a published demo value, and what to do instead. */
export interface DemoValueInUse {
  variable: string;
  fix: string;
}

/**
 * The environment variables holding a value anyone can read in this
 * repository. Production must refuse to start with any of them: the demo API
 * secret signs session tokens (the demo admin link would open the real
 * dashboard), the demo key decrypts every stored Twilio auth token, and the
 * demo Twilio token signs inbound webhooks.
 */
export function demoValuesInUse(environment: NodeJS.ProcessEnv = process.env): DemoValueInUse[] {
  const published: Array<[variable: string, demoValue: string, fix: string]> = [
    ["SHOPIFY_API_KEY", DEMO_SHOPIFY_API_KEY, "set it to your app's client ID from the Partner dashboard"],
    ["SHOPIFY_API_SECRET", DEMO_SHOPIFY_API_SECRET, "set it to your app's client secret from the Partner dashboard"],
    ["ENCRYPTION_KEY", DEMO_ENCRYPTION_KEY, "generate one with `openssl rand -hex 32` (rotating it makes stored Twilio tokens unreadable: merchants enter them again)"],
    ["DEMO_TWILIO_AUTH_TOKEN", DEFAULT_DEMO_TWILIO_AUTH_TOKEN, "unset it: it only serves `npm run demo`"],
  ];
  return published
    .filter(([variable, demoValue]) => environment[variable]?.trim().toLowerCase() === demoValue)
    .map(([variable, , fix]) => ({ variable, fix }));
}

/** The sentence production prints before refusing to start; null when nothing published is in use. */
export function demoValuesRefusal(inUse: DemoValueInUse[]): string | null {
  if (inUse.length === 0) return null;
  return [
    "Refusing to start with NODE_ENV=production: these variables hold the demo's published values, which anyone can read:",
    ...inUse.map(({ variable, fix }) => `  - ${variable}: ${fix}`),
  ].join("\n");
}

export function isDemoMode(environment: NodeJS.ProcessEnv = process.env): boolean {
  // Read through a variable so bundlers cannot replace NODE_ENV at build time.
  const nodeEnv = environment["NODE_ENV"];
  return environment["DEMO_MODE"] === "1" && nodeEnv !== "production";
}
