import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { contentHashOf, currentDisclosures, disclosureInputSchema, publishDisclosure } from "./disclosures.server";

const TEXT =
  "Yes, text me offers from Acme. Up to 6 msgs/month. Consent is not a condition of purchase. Msg & data rates may apply. Reply STOP to cancel, HELP for help.";

describe("disclosure versions", () => {
  it("publishes a new immutable version only when the text changes", async () => {
    const { shop } = await createTestShop();
    const first = await publishDisclosure(shop, { locale: "en", text: TEXT });
    expect(first).toMatchObject({ created: true, version: { version: 1, contentHash: contentHashOf(TEXT) } });
    expect((await publishDisclosure(shop, { locale: "en", text: `  ${TEXT} ` })).created).toBe(false);

    const edited = TEXT.replace("6 msgs", "4 msgs");
    const second = await publishDisclosure(shop, { locale: "en", text: edited });
    expect(second.version.version).toBe(2);
    const spanish = await publishDisclosure(shop, {
      locale: "es",
      text: "Sí, envíenme ofertas de Acme. Hasta 6 msjs/mes. No es condición de compra. Msg & data rates may apply. Responde STOP para cancelar, AYUDA para ayuda.",
    });
    expect(spanish.version.version).toBe(3);

    expect((await currentDisclosures(shop)).map((v) => [v.locale, v.version]).sort()).toEqual([
      ["en", 2],
      ["es", 3],
    ]);
    expect(await prisma.disclosureVersion.findFirstOrThrow({ where: { shop, version: 1 } })).toMatchObject({ text: TEXT });
  });

  it("refuses a disclosure that leaves out what the law requires, in words a merchant understands", () => {
    const result = disclosureInputSchema.safeParse({ locale: "en", text: "Get our texts! Deals every week for subscribers only." });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'Say "Msg & data rates may apply" (or its translation)',
      "Tell shoppers they can reply STOP to cancel",
      "Tell shoppers they can reply HELP for help",
    ]);
  });
});
