import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { classifyInbound } from "~/consent/keywords";
import { LANGUAGES, type Language } from "~/language/languages";

import {
  appendOptOutFooter,
  type ComplianceReplyKind,
  composeComplianceReply,
  ensureBrandPrefix,
  type ProgramInfo,
} from "./compose";
import { countSegments } from "./segments";

const acme: ProgramInfo = { brandName: "Acme", supportContact: "support@acme.com", maxMessagesPerMonth: 6 };
const KINDS: readonly ComplianceReplyKind[] = [
  "opt_out_confirmation",
  "help",
  "opt_in_confirmation",
  "double_opt_in_request",
  "clarify_opt_out",
  "resubscribed",
];
const everyReply = LANGUAGES.flatMap((language) => KINDS.map((kind) => [language, kind] as const));

describe("composeComplianceReply: English follows the CTIA forms", () => {
  it.each([
    ["opt_out_confirmation", "Acme: You are unsubscribed and will receive no further messages. Reply START to resubscribe, HELP for help."],
    ["help", "Acme: Recurring automated marketing msgs. Up to 6 msgs/month. Msg & data rates may apply. Support: support@acme.com. Reply STOP to cancel."],
    ["opt_in_confirmation", "Acme: Thanks for subscribing to recurring automated marketing texts. Up to 6 msgs/month. Msg & data rates may apply. Reply HELP for help, STOP to cancel."],
    ["double_opt_in_request", "Acme: Reply Y to subscribe to recurring automated marketing msgs. Up to 6 msgs/month. Msg & data rates may apply. Reply STOP to cancel, HELP for help."],
    ["clarify_opt_out", "Acme: Reply STOP to stop receiving texts from Acme."],
    ["resubscribed", "Acme: You are resubscribed to recurring automated marketing texts. Up to 6 msgs/month. Msg & data rates may apply. Reply HELP for help, STOP to cancel."],
  ] as const)("%s", (kind, text) => {
    expect(composeComplianceReply(kind, acme)).toBe(text);
    expect(composeComplianceReply(kind, acme, "en")).toBe(text);
    expect(composeComplianceReply(kind, acme, null, null)).toBe(text);
  });

  it("drops the number when the program promises none: 'recurring' is the frequency disclosure", () => {
    expect(composeComplianceReply("help", { ...acme, maxMessagesPerMonth: null })).toBe(
      "Acme: Recurring automated marketing msgs. Msg & data rates may apply. Support: support@acme.com. Reply STOP to cancel.",
    );
  });

  it("speaks of one message in the singular", () => {
    expect(composeComplianceReply("opt_in_confirmation", { ...acme, maxMessagesPerMonth: 1 })).toContain("Up to 1 msg/month.");
    expect(composeComplianceReply("opt_in_confirmation", { ...acme, maxMessagesPerMonth: 1 }, "es")).toContain("Hasta 1 mensaje al mes.");
  });

  it("trims the program's fields", () => {
    expect(composeComplianceReply("help", { brandName: "  Acme ", supportContact: " +1 555 010 0199 ", maxMessagesPerMonth: 4 })).toBe(
      "Acme: Recurring automated marketing msgs. Up to 4 msgs/month. Msg & data rates may apply. Support: +1 555 010 0199. Reply STOP to cancel.",
    );
  });
});

describe("composeComplianceReply: every language and kind", () => {
  const keywordIntents: Record<string, string> = {
    STOP: "opt_out", BAJA: "opt_out", ARRET: "opt_out", SAIR: "opt_out",
    START: "opt_in", Y: "opt_in", SI: "opt_in", OUI: "opt_in", JA: "opt_in", SIM: "opt_in",
    HELP: "help",
  };

  it.each(everyReply)("%s %s: starts with the brand, fills every placeholder", (language, kind) => {
    const text = composeComplianceReply(kind, acme, language);
    expect(text.startsWith("Acme: ")).toBe(true);
    expect(text).not.toMatch(/[{}]/);
    expect(text).not.toMatch(/\s{2}/);
  });

  it.each(everyReply)("%s %s: every keyword it names is one the app understands", (language, kind) => {
    const text = composeComplianceReply(kind, acme, language);
    const named = text.match(/\b[A-Z]{1,5}\b/g)?.filter((word) => word in keywordIntents) ?? [];
    expect(named.length).toBeGreaterThan(0);
    for (const keyword of named) expect([keyword, classifyInbound(keyword).intent]).toEqual([keyword, keywordIntents[keyword]]);
  });

  it.each(everyReply)("%s %s: says what the kind must say", (language, kind) => {
    const text = composeComplianceReply(kind, acme, language);
    const mustName: Record<ComplianceReplyKind, string[]> = {
      opt_out_confirmation: ["START", "HELP"],
      help: ["STOP", "support@acme.com"],
      opt_in_confirmation: ["HELP", "STOP"],
      double_opt_in_request: ["Y", "STOP", "HELP"],
      clarify_opt_out: ["STOP"],
      resubscribed: ["HELP", "STOP"],
    };
    for (const part of mustName[kind]) expect(text).toMatch(new RegExp(`(^|[^A-Za-z])${part}([^A-Za-z]|$)`));
    // The frequency appears exactly where it is disclosed; never in an opt-out confirmation.
    expect(/\b6\b/.test(text)).toBe(!["opt_out_confirmation", "clarify_opt_out"].includes(kind));
  });

  it.each(everyReply)("%s %s: GSM-7, one segment for short replies, at most two otherwise", (language, kind) => {
    const longBrand = { brandName: "Acme Outdoor Supply", supportContact: "help@acme-outdoor.com", maxMessagesPerMonth: 10 };
    for (const program of [acme, longBrand]) {
      const { encoding, segments } = countSegments(composeComplianceReply(kind, program, language));
      expect(encoding).toBe("GSM-7");
      expect(segments).toBeLessThanOrEqual(kind === "opt_out_confirmation" || kind === "clarify_opt_out" ? 1 : 2);
    }
  });

  it("fits every English reply in one segment for a short brand without a number", () => {
    const lean = { brandName: "Acme", supportContact: "+1 555 010 0199", maxMessagesPerMonth: null };
    for (const kind of KINDS) expect(countSegments(composeComplianceReply(kind, lean)).segments).toBe(1);
  });

  it.each([
    ["es", "Acme: Responde STOP o BAJA para dejar de recibir mensajes de Acme."],
    ["fr", "Acme: Répondez STOP ou ARRET pour ne plus recevoir de SMS d'Acme."],
    ["de", "Acme: Antworten Sie STOP, um keine SMS mehr von Acme zu erhalten."],
    ["pt", "Acme: Responda STOP ou SAIR para deixar de receber mensagens de Acme."],
    ["it", "Acme: Rispondi STOP per non ricevere più messaggi da Acme."],
  ] as const)("clarify_opt_out in %s", (language, text) => {
    expect(composeComplianceReply("clarify_opt_out", acme, language)).toBe(text);
  });

  it("elides French 'de' only before a vowel", () => {
    expect(composeComplianceReply("clarify_opt_out", { ...acme, brandName: "Zara" }, "fr")).toContain("de SMS de Zara.");
    expect(composeComplianceReply("clarify_opt_out", { ...acme, brandName: "Élan" }, "fr")).toContain("de SMS d'Élan.");
  });

  it("answers in English when the language is unknown or unsupported", () => {
    const english = composeComplianceReply("help", acme, "en");
    expect(composeComplianceReply("help", acme)).toBe(english);
    expect(composeComplianceReply("help", acme, null)).toBe(english);
    expect(composeComplianceReply("help", acme, "nl" as Language)).toBe(english);
  });
});

describe("composeComplianceReply: invalid programs", () => {
  it.each([0, -3, 2.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects maxMessagesPerMonth %s", (max) => {
    expect(() => composeComplianceReply("help", { ...acme, maxMessagesPerMonth: max })).toThrow(RangeError);
  });

  it("requires a brand name", () => {
    expect(() => composeComplianceReply("opt_out_confirmation", { ...acme, brandName: "  " })).toThrow(RangeError);
  });

  it("requires a support contact for help, and only for help", () => {
    expect(() => composeComplianceReply("help", { ...acme, supportContact: "" })).toThrow(RangeError);
    expect(composeComplianceReply("opt_out_confirmation", { ...acme, supportContact: "", maxMessagesPerMonth: 0 })).toMatch(/^Acme: /);
  });
});

describe("composeComplianceReply: merchant overrides", () => {
  it.each<[ComplianceReplyKind, string, string]>([
    ["opt_in_confirmation", "Welcome to the club! Reply STOP to cancel.", "Acme: Welcome to the club! Reply STOP to cancel."],
    ["opt_in_confirmation", "{brand} VIP: you're in. Text STOP to quit.", "Acme VIP: you're in. Text STOP to quit."],
    ["opt_in_confirmation", "Welcome to the club!", "Acme: Welcome to the club! Reply STOP to cancel."],
    ["opt_in_confirmation", "Welcome aboard", "Acme: Welcome aboard. Reply STOP to cancel."],
    ["opt_in_confirmation", "You're in 🎉", "Acme: You're in 🎉 Reply STOP to cancel."],
    ["resubscribed", "Welcome back to {Brand} texts.", "Acme: Welcome back to Acme texts. Reply STOP to cancel."],
    ["help", "Questions? Email {support}.", "Acme: Questions? Email support@acme.com. Reply STOP to cancel."],
    ["help", "Questions? Call us.", "Acme: Questions? Call us. Support: support@acme.com. Reply STOP to cancel."],
    ["help", "ACME help: SUPPORT@ACME.COM. Reply HELP for help, STOP to cancel.", "ACME help: SUPPORT@ACME.COM. Reply HELP for help, STOP to cancel."],
    ["double_opt_in_request", "Want deals? Reply YES.", "Acme: Want deals? Reply YES. Reply STOP to cancel."],
    ["double_opt_in_request", "Want deals?", "Acme: Want deals? Reply Y to confirm. Reply STOP to cancel."],
    ["clarify_opt_out", "Did you mean to leave?", "Acme: Did you mean to leave? Reply STOP to cancel."],
    ["opt_out_confirmation", "Sorry to see you go.", "Acme: Sorry to see you go."],
    ["opt_out_confirmation", "{ brand }: bye for now", "Acme: bye for now"],
    ["opt_in_confirmation", "Don't stop to think, shop now!", "Acme: Don't stop to think, shop now! Reply STOP to cancel."],
    ["opt_in_confirmation", "Thanks! {unknown} stays", "Acme: Thanks! {unknown} stays. Reply STOP to cancel."],
  ])("%s %j", (kind, override, text) => {
    expect(composeComplianceReply(kind, acme, "en", override)).toBe(text);
  });

  it("adds the missing wording in the reply's language", () => {
    expect(composeComplianceReply("opt_in_confirmation", acme, "es", "¡Bienvenido!")).toBe("Acme: ¡Bienvenido! Responde STOP para cancelar.");
    expect(composeComplianceReply("help", acme, "de", "Fragen?")).toBe(
      "Acme: Fragen? Support: support@acme.com. Antworten Sie STOP zum Abmelden.",
    );
    expect(composeComplianceReply("opt_in_confirmation", acme, "fr", "Bienvenue. Répondez STOP pour arrêter.")).toBe(
      "Acme: Bienvenue. Répondez STOP pour arrêter.",
    );
  });

  it("fills the brand once: a brand that looks like a placeholder stays literal", () => {
    const odd = { ...acme, brandName: "Shop {support}" };
    expect(composeComplianceReply("opt_out_confirmation", odd, "en", "{brand}: bye")).toBe("Shop {support}: bye");
  });

  it.each(["", "   ", null, undefined])("falls back to the template for %j", (override) => {
    expect(composeComplianceReply("help", acme, "en", override)).toBe(composeComplianceReply("help", acme, "en"));
  });

  it("guarantees brand and STOP for any override text", () => {
    const stopKinds: ComplianceReplyKind[] = ["help", "opt_in_confirmation", "double_opt_in_request", "clarify_opt_out", "resubscribed"];
    fc.assert(
      fc.property(fc.constantFrom(...stopKinds), fc.constantFrom(...LANGUAGES), fc.string({ maxLength: 80 }), (kind, language, override) => {
        const text = composeComplianceReply(kind, acme, language, override);
        expect(ensureBrandPrefix("Acme", text)).toBe(text);
        expect(appendOptOutFooter(text, language)).toBe(text);
        if (kind === "help") expect(text).toContain("support@acme.com");
      }),
      { numRuns: 500 },
    );
  });
});

describe("ensureBrandPrefix", () => {
  it.each([
    ["20% off everything today!", "Acme: 20% off everything today!"],
    ["Acme: 20% off", "Acme: 20% off"],
    ["ACME - new drop", "ACME - new drop"],
    ["acme's summer sale", "acme's summer sale"],
    ["[Acme] Summer sale", "[Acme] Summer sale"],
    ["🎉 Acme: Summer sale", "🎉 Acme: Summer sale"],
    ["Acmeville is open", "Acme: Acmeville is open"],
    ["Shop at Acme", "Acme: Shop at Acme"],
    ["  spaced out  ", "Acme: spaced out"],
    ["", "Acme"],
  ])("%j → %j", (body, text) => {
    expect(ensureBrandPrefix("Acme", body)).toBe(text);
  });

  it("ignores accents and case when checking", () => {
    expect(ensureBrandPrefix("Café Olé", "CAFE OLE: hi")).toBe("CAFE OLE: hi");
    expect(ensureBrandPrefix("Café Olé", "hi")).toBe("Café Olé: hi");
  });

  it("rejects a blank brand", () => {
    expect(() => ensureBrandPrefix(" ", "hi")).toThrow(RangeError);
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }).filter((brand) => brand.trim() !== ""), fc.string(), (brand, body) => {
        const once = ensureBrandPrefix(brand, body);
        expect(ensureBrandPrefix(brand, once)).toBe(once);
      }),
    );
  });
});

describe("appendOptOutFooter", () => {
  it.each<[string, Language | null | undefined, string]>([
    ["Acme: 20% off today", undefined, "Acme: 20% off today\nReply STOP to opt out"],
    ["Acme: 20% off today!  ", null, "Acme: 20% off today!\nReply STOP to opt out"],
    ["Acme: Don't stop shopping!", "en", "Acme: Don't stop shopping!\nReply STOP to opt out"],
    ["Acme: stop by our store", "en", "Acme: stop by our store\nReply STOP to opt out"],
    ["Acme: 20% de descuento", "es", "Acme: 20% de descuento\nResponde STOP para darte de baja"],
    ["Acme: -20% aujourd'hui", "fr", "Acme: -20% aujourd'hui\nRépondez STOP pour vous désabonner"],
    ["Acme: 20% Rabatt", "de", "Acme: 20% Rabatt\nAntworten Sie STOP zum Abmelden"],
    ["Acme: 20% de desconto", "pt", "Acme: 20% de desconto\nResponda STOP para sair"],
    ["Acme: 20% di sconto", "it", "Acme: 20% di sconto\nRispondi STOP per annullare"],
    ["", "en", "Reply STOP to opt out"],
  ])("%j (%s)", (body, language, text) => {
    expect(appendOptOutFooter(body, language)).toBe(text);
  });

  it.each([
    "Acme: sale! Reply STOP to opt out",
    "Acme: sale! reply stop to unsubscribe",
    "Acme: sale! Text STOP to 12345",
    "Acme: sale! Txt 'STOP' to end",
    "Acme: sale! STOP to quit",
    "Acme: sale! Opt out: reply STOP",
    "Acme: venta! Responde STOP o BAJA",
    "Acme: soldes! Répondez STOP pour vous désabonner",
    "Acme: Angebot! Antworten Sie STOP zum Abmelden",
    "Acme: promoção! Responda SAIR para sair",
    "Acme: saldi! Rispondi STOP per annullare",
  ])("leaves %j alone: it already says how to stop", (body) => {
    expect(appendOptOutFooter(body)).toBe(body);
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...LANGUAGES), (body, language) => {
        const once = appendOptOutFooter(body, language);
        expect(appendOptOutFooter(once, language)).toBe(once);
      }),
    );
  });
});
