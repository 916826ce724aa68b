import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  SUBSCRIBER_SORTS,
  containsPattern,
  decodeCursor,
  encodeCursor,
  isFiltered,
  readSubscriberQuery,
  searchParamsOf,
  searchTermsOf,
  sortKeyOf,
} from "./subscriber-search";

const read = (search: string) => readSubscriberQuery(new URLSearchParams(search));

describe("reading the subscribers page's URL", () => {
  it("reads every filter, the sort and the search", () => {
    const { query, notices } = read("q=%20Ada%20&status=subscribed,pending&source=checkout&optInLevel=confirmed&region=us-fl,US-NY&from=2026-01-01&to=2026-02-01&sort=phone-asc");
    expect(notices).toEqual([]);
    expect(query).toEqual({
      q: "Ada",
      statuses: ["subscribed", "pending"],
      sources: ["checkout"],
      optInLevel: "confirmed",
      regions: ["US-FL", "US-NY"],
      from: "2026-01-01",
      to: "2026-02-01",
      sort: "phone-asc",
      after: null,
      before: null,
    });
    expect(isFiltered(query)).toBe(true);
    expect(isFiltered(read("sort=phone-desc").query)).toBe(false);
  });

  it("leaves out what it cannot read and says so, in words", () => {
    const { query, notices } = read("status=bogus,subscribed&source=telepathy&region=Florida&from=2026-02-30&to=yesterday&sort=random&after=garbage!");
    expect(query).toMatchObject({ statuses: ["subscribed"], sources: [], regions: [], from: null, to: null, sort: "updated-desc", after: null });
    expect(notices).toEqual([
      "Ignored status “bogus”: not one the app knows.",
      "Ignored consent source “telepathy”: not one the app knows.",
      "Ignored region “FLORIDA”: use codes such as US-FL or CA-ON.",
      "Ignored “subscribed from” 2026-02-30: not a date (YYYY-MM-DD) from 2000-01-01 on.",
      "Ignored “subscribed to” yesterday: not a date (YYYY-MM-DD) from 2000-01-01 on.",
      "Ignored the sort order “random”.",
    ]);
  });

  it("swaps dates given the wrong way round, and says so", () => {
    expect(read("from=0000-01-01").query.from).toBeNull();
    const { query, notices } = read("from=2026-03-01&to=2026-01-01");
    expect(query).toMatchObject({ from: "2026-01-01", to: "2026-03-01" });
    expect(notices).toHaveLength(1);
  });

  it("drops a cursor made for another sort order (the list starts again from the top)", () => {
    const cursor = encodeCursor({ sort: "phone-asc", value: "+12015550100", id: "c1" });
    expect(read(`after=${cursor}`).query.after).toBeNull();
    expect(read(`sort=phone-asc&after=${cursor}`).query.after).toEqual({ sort: "phone-asc", value: "+12015550100", id: "c1" });
    expect(read(`sort=phone-asc&before=${cursor}`).query.before).toEqual({ sort: "phone-asc", value: "+12015550100", id: "c1" });
  });

  it("writes a query back as the same URL state", () => {
    const search = "q=ada&status=subscribed&source=checkout%2Ckeyword&optInLevel=single&region=US-FL&from=2026-01-01&to=2026-02-01&sort=subscribed-asc";
    expect(searchParamsOf(read(search).query).toString()).toBe(search);
    expect(searchParamsOf(read("").query).toString()).toBe("");
  });

  it("splits a sort into key and direction", () => {
    expect(sortKeyOf("subscribed-desc")).toEqual({ key: "subscribed", descending: true });
    expect(sortKeyOf("phone-asc")).toEqual({ key: "phone", descending: false });
  });
});

describe("search text", () => {
  it("reads a phone number in any form, in the shop's country when it has no country code", () => {
    for (const form of ["(415) 555-0123", "+1 415 555 0123", "4155550123", "415.555.0123", "001 415 555 0123"]) {
      expect(searchTermsOf(form, "US"), form).toMatchObject({ kind: "phone", e164: "+14155550123" });
    }
    expect(searchTermsOf("020 7946 0018", "GB")).toMatchObject({ kind: "phone", e164: "+442079460018", digits: "02079460018" });
  });

  it("reads part of a number as digits to find inside numbers", () => {
    expect(searchTermsOf("555-01", "US")).toEqual({ kind: "phone", e164: null, digits: "55501" });
    expect(searchTermsOf("+1 415", "US")).toEqual({ kind: "phone", e164: null, digits: "1415" });
  });

  it("reads anything else as words for names and e-mails", () => {
    expect(searchTermsOf("  Ada   LOVELACE ada ", "US")).toEqual({ kind: "words", words: ["ada", "lovelace"] });
    expect(searchTermsOf("ada@example.com", "US")).toEqual({ kind: "words", words: ["ada@example.com"] });
    expect(searchTermsOf("   ", "US")).toBeNull();
    expect(searchTermsOf(null, "US")).toBeNull();
  });

  it("takes LIKE's wildcards literally", () => {
    expect(containsPattern("50%_off\\")).toBe("%50\\%\\_off\\\\%");
  });
});

describe("cursor", () => {
  it("round-trips any cursor through its URL-safe text", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SUBSCRIBER_SORTS),
        fc.option(fc.string({ maxLength: 200, unit: "grapheme" }), { nil: null }),
        fc.string({ minLength: 1, maxLength: 64 }),
        (sort, value, id) => {
          const text = encodeCursor({ sort, value, id });
          expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(decodeCursor(text)).toEqual({ sort, value, id });
        },
      ),
    );
  });

  it("refuses anything that is not a cursor, without throwing", () => {
    fc.assert(fc.property(fc.string({ maxLength: 700 }), (text) => void decodeCursor(text)));
    expect(decodeCursor("")).toBeNull();
    expect(decodeCursor("bm90IGpzb24")).toBeNull(); // "not json"
    expect(decodeCursor(encodeCursor({ sort: "phone-asc", value: null, id: "x" }).replace(/^./, "A"))).toBeNull();
  });
});
