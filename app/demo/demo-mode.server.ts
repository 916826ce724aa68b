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

export function isDemoMode(environment: NodeJS.ProcessEnv = process.env): boolean {
  // Read through a variable so bundlers cannot replace NODE_ENV at build time.
  const nodeEnv = environment["NODE_ENV"];
  return environment["DEMO_MODE"] === "1" && nodeEnv !== "production";
}
