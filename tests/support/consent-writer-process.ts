/**
 * A separate app process for tests/integration/consent-ledger-processes.test.ts:
 * applies `count` opt-ins and opt-outs at one shop, all at once, through the
 * app's own consent engine and database client, then exits.
 * argv: shop, phone prefix, count. DATABASE_URL comes from the parent.
 */
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { disconnectPrisma } from "../../app/db.server";

const [shop, phonePrefix, count] = process.argv.slice(2) as [string, string, string];

await Promise.all(
  Array.from({ length: Number(count) }, async (_, i) => {
    const phone = `${phonePrefix}${String(i).padStart(3, "0")}`;
    await applyConsentChange({ shop, phone, action: "opt_in", source: "keyword", evidence: { body: "JOIN" } });
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
  }),
);
await disconnectPrisma();
