import { z } from "zod";
import { demoValuesInUse, demoValuesRefusal } from "./demo/demo-mode.server";

/**
 * Environment, validated once at first use so a misconfigured deployment fails
 * at boot with a sentence a person can act on, not deep inside a request.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (from the Partner dashboard, or `npm run demo`)"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required"),
  SHOPIFY_APP_URL: z.string().url("SHOPIFY_APP_URL must be the public https URL of the app"),
  SCOPES: z.string().default("read_customers,write_customers,read_orders"),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "ENCRYPTION_KEY must be 64 hex characters (32 bytes): `openssl rand -hex 32`"),
  TWILIO_API_BASE_URL: z.string().url().optional(),
  DEMO_MODE: z.enum(["0", "1"]).default("0"),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${problems.join("\n")}`);
  }
  if (parsed.data.NODE_ENV === "production") {
    const refusal = demoValuesRefusal(demoValuesInUse(process.env));
    if (refusal) throw new Error(refusal);
  }
  cached = parsed.data;
  return cached;
}

/** For tests that change the environment between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
