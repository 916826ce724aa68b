import { describe, expect, it } from "vitest";
import { composeConfirmation, confirmationKindFor, confirmationLanguage, supportedLanguagesOf } from "./confirmation-text";

const SETTINGS = {
  brandName: "Acme Outfitters",
  supportContact: "help@acme.test",
  maxMessagesPerMonth: 6,
  optInText: null as string | null,
  supportedLanguages: "en,es",
};

describe("the text a checkout consent sends", () => {
  it("follows the ledger event", () => {
    expect(confirmationKindFor("opt_in_requested")).toBe("double_opt_in_request");
    expect(confirmationKindFor("opted_in")).toBe("opt_in_confirmation");
    expect(confirmationKindFor("resubscribed")).toBe("resubscribed");
    expect(confirmationKindFor("opted_out")).toBeNull();
  });

  it("is in the disclosure's language when the shop supports it, else in the shop's own", () => {
    const supported = supportedLanguagesOf({ supportedLanguages: "es, en" });
    expect(supported).toEqual(["es", "en"]);
    expect(confirmationLanguage(supported, "en")).toBe("en");
    expect(confirmationLanguage(supported, "es-mx")).toBe("es");
    expect(confirmationLanguage(supported, "fr")).toBe("es");
    expect(confirmationLanguage(supported, null)).toBe("es");
    expect(supportedLanguagesOf({ supportedLanguages: "" })).toEqual(["en"]);
  });

  it("starts with the brand and says how often, what it costs and how to stop", () => {
    const body = composeConfirmation("opt_in_confirmation", SETTINGS, "en");
    expect(body).toBe(
      "Acme Outfitters: Thanks for subscribing to recurring automated marketing texts. Up to 6 msgs/month. Msg & data rates may apply. Reply HELP for help, STOP to cancel.",
    );
    expect(composeConfirmation("double_opt_in_request", SETTINGS, "es")).toMatch(/^Acme Outfitters: Responde Y o SI/);
  });

  it("uses the merchant's own wording only in the shop's first language", () => {
    const settings = { ...SETTINGS, optInText: "Welcome to Acme texts! Reply STOP to cancel." };
    expect(composeConfirmation("opt_in_confirmation", settings, "en")).toBe("Acme Outfitters: Welcome to Acme texts! Reply STOP to cancel.");
    expect(composeConfirmation("opt_in_confirmation", settings, "es")).toMatch(/^Acme Outfitters: Gracias por suscribirte/);
    expect(composeConfirmation("double_opt_in_request", settings, "en")).toMatch(/Reply Y to subscribe/);
  });
});
