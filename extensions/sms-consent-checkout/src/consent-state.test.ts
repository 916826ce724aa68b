import { describe, expect, test } from "vitest";
import { ATTRIBUTE, attributeChanges, consentRecord, type ConsentRecord } from "./consent-state";

const now = new Date("2026-11-23T10:00:00.000Z");
const disclosure = { versionId: "dv_3" };

describe("consentRecord", () => {
  test("ticked with a number: granted, with the disclosure shown", () => {
    expect(consentRecord({ ticked: true, phone: "+14155550123" }, disclosure, "es", now)).toEqual({
      status: "granted",
      phone: "+14155550123",
      disclosureVersionId: "dv_3",
      disclosureLocale: "es",
      at: "2026-11-23T10:00:00.000Z",
    });
  });

  test("ticked without a usable number: nothing yet", () => {
    expect(consentRecord({ ticked: true, phone: null }, disclosure, "en", now)).toBeNull();
  });

  test("unticked: withdrawn", () => {
    expect(consentRecord({ ticked: false, phone: "+14155550123" }, disclosure, "en", now)).toEqual({
      status: "withdrawn",
      at: "2026-11-23T10:00:00.000Z",
    });
  });
});

describe("attributeChanges", () => {
  const granted: ConsentRecord = {
    status: "granted",
    phone: "+14155550123",
    disclosureVersionId: "dv_3",
    disclosureLocale: "en",
    at: "2026-11-23T10:00:00.000Z",
  };
  const grantedAttributes = [
    { key: ATTRIBUTE.phone, value: "+14155550123" },
    { key: ATTRIBUTE.disclosureVersion, value: "dv_3" },
    { key: ATTRIBUTE.disclosureLocale, value: "en" },
    { key: ATTRIBUTE.at, value: "2026-11-23T10:00:00.000Z" },
    { key: ATTRIBUTE.consent, value: "granted" },
  ];

  test("a grant writes the details first and 'granted' last", () => {
    expect(attributeChanges([], granted)).toEqual(
      grantedAttributes.map(({ key, value }) => ({ type: "updateAttribute", key, value })),
    );
  });

  test("a withdrawal writes 'withdrawn' first, then removes the number, version and locale", () => {
    const withdrawn: ConsentRecord = { status: "withdrawn", at: "2026-11-23T10:05:00.000Z" };
    expect(attributeChanges(grantedAttributes, withdrawn)).toEqual([
      { type: "updateAttribute", key: ATTRIBUTE.consent, value: "withdrawn" },
      { type: "updateAttribute", key: ATTRIBUTE.at, value: "2026-11-23T10:05:00.000Z" },
      { type: "removeAttribute", key: ATTRIBUTE.disclosureLocale },
      { type: "removeAttribute", key: ATTRIBUTE.disclosureVersion },
      { type: "removeAttribute", key: ATTRIBUTE.phone },
    ]);
  });

  test("no record removes what is there and leaves other attributes alone", () => {
    const current = [...grantedAttributes, { key: "gift_note", value: "Happy birthday" }];
    expect(attributeChanges(current, null).map(({ type, key }) => `${type} ${key}`)).toEqual([
      `removeAttribute ${ATTRIBUTE.consent}`,
      `removeAttribute ${ATTRIBUTE.at}`,
      `removeAttribute ${ATTRIBUTE.disclosureLocale}`,
      `removeAttribute ${ATTRIBUTE.disclosureVersion}`,
      `removeAttribute ${ATTRIBUTE.phone}`,
    ]);
  });

  test("the same answer again writes nothing, not even a new time", () => {
    expect(attributeChanges(grantedAttributes, { ...granted, at: "2026-11-23T11:00:00.000Z" })).toEqual([]);
  });

  test("only what changed is written, with the time of the change", () => {
    const changed = { ...granted, phone: "+14155550199", at: "2026-11-23T11:00:00.000Z" };
    expect(attributeChanges(grantedAttributes, changed)).toEqual([
      { type: "updateAttribute", key: ATTRIBUTE.phone, value: "+14155550199" },
      { type: "updateAttribute", key: ATTRIBUTE.at, value: "2026-11-23T11:00:00.000Z" },
    ]);
  });
});
