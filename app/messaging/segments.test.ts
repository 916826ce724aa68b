import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { countSegments, describeUcs2Culprit, isGsm7Character, ucs2Culprits } from "./segments";

describe("countSegments", () => {
  const a = (n: number) => "a".repeat(n);

  it.each([
    ["", "GSM-7", 0, 0],
    ["hello", "GSM-7", 1, 5],
    [a(160), "GSM-7", 1, 160],
    [a(161), "GSM-7", 2, 161],
    [a(306), "GSM-7", 2, 306],
    [a(307), "GSM-7", 3, 307],
    [a(459), "GSM-7", 3, 459],
    [a(460), "GSM-7", 4, 460],
    ["€".repeat(80), "GSM-7", 1, 80],
    ["€".repeat(81), "GSM-7", 2, 81],
    [a(159) + "[", "GSM-7", 2, 160],
    [a(158) + "~", "GSM-7", 1, 159],
    // 306 septets would be two parts, but the escape pair cannot straddle them.
    [a(152) + "€" + a(152), "GSM-7", 3, 305],
    ["ń".repeat(70), "UCS-2", 1, 70],
    ["ń".repeat(71), "UCS-2", 2, 71],
    ["ń".repeat(134), "UCS-2", 2, 134],
    ["ń".repeat(135), "UCS-2", 3, 135],
    ["😀", "UCS-2", 1, 1],
    ["😀".repeat(35), "UCS-2", 1, 35],
    ["😀".repeat(36), "UCS-2", 2, 36],
    // 134 code units would be two parts, but the surrogate pair cannot straddle them.
    [a(66) + "😀" + a(66), "UCS-2", 3, 133],
    [a(159) + "’", "UCS-2", 3, 160],
  ] as const)("%#: %j → %s × %i", (text, encoding, segments, characters) => {
    expect(countSegments(text)).toMatchObject({ encoding, segments, characters });
  });

  // 3GPP TS 23.038 basic table, row by row (0x1B, the escape, has no character).
  const BASIC_TABLE = [
    "@£$¥èéùìòÇ\nØø\rÅå",
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ",
    " !\"#¤%&'()*+,-./",
    "0123456789:;<=>?",
    "¡ABCDEFGHIJKLMNO",
    "PQRSTUVWXYZÄÖÑÜ§",
    "¿abcdefghijklmno",
    "pqrstuvwxyzäöñüà",
  ].join("");
  it.each([...BASIC_TABLE])("%j is one GSM-7 septet", (char) => {
    expect(countSegments(char + a(159))).toMatchObject({ encoding: "GSM-7", segments: 1, characters: 160 });
  });

  it.each([..."\f^{}\\[~]|€"])("%j is an escaped GSM-7 pair", (char) => {
    expect(countSegments(char + a(158))).toMatchObject({ encoding: "GSM-7", segments: 1 });
    expect(countSegments(char + a(159))).toMatchObject({ encoding: "GSM-7", segments: 2 });
  });

  it.each([..."éèàñüöÄÑÜÖòùìÇÅåøØæÆßÉΔΦΓΛΩΠΨΣΘΞ"])("%j is GSM-7", (char) => {
    expect(countSegments(`caf${char}`).encoding).toBe("GSM-7");
  });

  it.each([..."âêíóúõãçáîôûëïœÁÍÓÚÌÒÈÂÊ`\t’‘“”…–—•ńćłşğ😀👍🏽中"])("%j forces UCS-2", (char) => {
    expect(countSegments(`caf${char}`).encoding).toBe("UCS-2");
  });

  it("counts what is sent: a decomposed é (e + combining accent) is not GSM-7", () => {
    expect(countSegments("cafe\u0301").encoding).toBe("UCS-2");
    expect(countSegments("café").encoding).toBe("GSM-7");
  });

  it("never uses fewer segments than plain division, nor more than one extra per part", () => {
    const gsmChar = fc.constantFrom(...BASIC_TABLE, ..."€[]{}");
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: gsmChar, maxLength: 700 }), fc.string({ unit: "grapheme", maxLength: 300 })), (text) => {
        const { encoding, segments, characters } = countSegments(text);
        const chars = [...text];
        const units =
          encoding === "GSM-7"
            ? chars.reduce((sum, char) => sum + ("€[]{}^~|\\\f".includes(char) ? 2 : 1), 0)
            : text.length;
        const { single, part } = encoding === "GSM-7" ? { single: 160, part: 153 } : { single: 70, part: 67 };
        expect(characters).toBe(chars.length);
        if (units === 0) expect(segments).toBe(0);
        else if (units <= single) expect(segments).toBe(1);
        else {
          const division = Math.ceil(units / part);
          expect(segments).toBeGreaterThanOrEqual(division);
          expect(segments).toBeLessThanOrEqual(division + Math.floor(division / part) + 1);
        }
      }),
    );
  });
});
describe("countSegments: the rest of the count", () => {
  const a = (n: number) => "a".repeat(n);

  it.each([
    ["", { units: 0, segments: 0, perSegment: 160, remainingInSegment: 160 }],
    ["hello", { units: 5, segments: 1, perSegment: 160, remainingInSegment: 155 }],
    [a(160), { units: 160, segments: 1, perSegment: 160, remainingInSegment: 0 }],
    [a(161), { units: 161, segments: 2, perSegment: 153, remainingInSegment: 145 }],
    ["{€}", { units: 6, segments: 1, perSegment: 160, remainingInSegment: 154 }],
    // The escape pair moves whole to part 2: part 1 holds 152 septets, part 2 the pair and 7 more.
    [a(152) + "€" + a(7), { units: 161, segments: 2, perSegment: 153, remainingInSegment: 144 }],
    ["😀", { encoding: "UCS-2", characters: 1, units: 2, segments: 1, perSegment: 70, remainingInSegment: 68 }],
    ["Don’t", { encoding: "UCS-2", characters: 5, units: 5, segments: 1, perSegment: 70, remainingInSegment: 65 }],
    ["ń".repeat(71), { units: 71, segments: 2, perSegment: 67, remainingInSegment: 63 }],
  ] as const)("%#: %j", (text, expected) => {
    expect(countSegments(text)).toMatchObject(expected);
  });

  it("counts Greek capitals of the GSM table as one septet and the Latin look-alikes as UCS-2", () => {
    expect(countSegments("ΣΩΔ ΦΓΛΠΨΘΞ")).toMatchObject({ encoding: "GSM-7", units: 11 });
    // Greek capital alpha and omicron are not in the table, only their Latin twins are.
    expect(countSegments("ΑΘΗΝΑ").encoding).toBe("UCS-2");
    expect(countSegments("ΑΘΗΝΑ".replace(/Α/g, "A").replace(/Η/g, "H").replace(/Ν/g, "N"))).toMatchObject({ encoding: "GSM-7", units: 5 });
    expect(countSegments("λ").encoding).toBe("UCS-2");
  });

  it("counts escape characters twice and never splits them", () => {
    for (const char of "\f^{}\\[~]|€") {
      expect(countSegments(char)).toMatchObject({ encoding: "GSM-7", characters: 1, units: 2 });
    }
    // 153 septets of "a" then "[": the pair cannot fit in part 1 → 3 parts once the text passes 306.
    expect(countSegments(a(152) + "[" + a(153)).segments).toBe(3);
    expect(countSegments(a(151) + "[" + a(153)).segments).toBe(2);
  });

  it("never splits an emoji's surrogate pair, nor counts it as one unit", () => {
    expect(countSegments(a(66) + "😀" + a(1))).toMatchObject({ units: 69, segments: 1 });
    // Part 1 keeps the 66 "a"; the pair moves whole to part 2, with the 3 "a": 5 of 67 used.
    expect(countSegments(a(66) + "😀" + a(3))).toMatchObject({ units: 71, segments: 2, remainingInSegment: 62 });
    expect(countSegments("👍🏽")).toMatchObject({ characters: 2, units: 4 });
  });

  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom(..."ab €[’😀é\n"), maxLength: 400 }),
    fc.string({ unit: "grapheme", maxLength: 200 }),
  );

  it("is monotone: adding a character never lowers the segment count", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(..."a€’😀 "), (body, extra) => {
        expect(countSegments(body + extra).segments).toBeGreaterThanOrEqual(countSegments(body).segments);
        expect(countSegments(extra + body).segments).toBeGreaterThanOrEqual(countSegments(body).segments);
      }),
    );
  });

  it("never costs a GSM-7 text more than the same text sent as UCS-2", () => {
    const gsm = fc.string({ unit: fc.constantFrom(..."aZ9 .,!@£€[]{}~^|\\\nΔΣ"), minLength: 1, maxLength: 800 });
    fc.assert(
      fc.property(gsm, (body) => {
        const asGsm = countSegments(body);
        // Same length in code units, but its first character is one GSM-7 lacks: the text travels as UCS-2.
        const asUcs2 = countSegments(`ń${body.slice(1)}`);
        expect(asGsm.encoding).toBe("GSM-7");
        expect(asUcs2).toMatchObject({ encoding: "UCS-2", units: body.length });
        expect(asGsm.segments).toBeLessThanOrEqual(asUcs2.segments);
      }),
    );
  });

  it("keeps its fields consistent", () => {
    fc.assert(
      fc.property(text, (body) => {
        const count = countSegments(body);
        expect(count.remainingInSegment).toBeGreaterThanOrEqual(0);
        expect(count.remainingInSegment).toBeLessThanOrEqual(count.perSegment);
        expect(count.encoding === "GSM-7").toBe([...body].every(isGsm7Character));
        if (count.encoding === "UCS-2") expect(count.units).toBe(body.length);
        expect(count.perSegment).toBe(count.segments > 1 ? (count.encoding === "GSM-7" ? 153 : 67) : count.encoding === "GSM-7" ? 160 : 70);
      }),
    );
  });
});

describe("ucs2Culprits", () => {
  const a = (n: number) => "a".repeat(n);
  const nth = (body: string, index: number) => {
    const culprit = ucs2Culprits(body)[index];
    if (!culprit) throw new Error(`no culprit ${index} in ${JSON.stringify(body)}`);
    return culprit;
  };

  it("finds nothing in a GSM-7 text, and only what is not GSM-7 otherwise", () => {
    expect(ucs2Culprits("Acme: 20% off, café & crème brûlée? Reply STOP to opt out")).toMatchObject([{ character: "û", word: "brûlée?" }]);
    expect(ucs2Culprits("Acme: 20% off at the café [today] €5")).toEqual([]);
    expect(ucs2Culprits("")).toEqual([]);
  });

  it("names the smart quote, its word, its replacement and what fixing it saves", () => {
    const body = `Acme: Don’t miss it. ${a(130)}`;
    expect(countSegments(body).segments).toBe(3);
    expect(ucs2Culprits(body)).toEqual([
      { character: "’", word: "Don’t", occurrences: 1, replacement: "'", segmentsIfFixed: 1 },
    ]);
  });

  it("writes the sentence the merchant sees", () => {
    const body = `Acme: we don’t stop. ${a(120)}`;
    const before = countSegments(body).segments;
    const culprit = nth(body, 0);
    expect(describeUcs2Culprit(culprit, before, culprit.segmentsIfFixed)).toBe("The ’ in “don’t” makes this 3 segments instead of 1: replace it with '");
    expect(describeUcs2Culprit(culprit, 3, 2)).toBe("The ’ in “don’t” makes this 3 segments instead of 2: replace it with '");
  });

  it("lists every distinct culprit once, in order, with look-alikes where they exist", () => {
    const culprits = ucs2Culprits("“Sale” – 50% off… ’til Sunday ’ 😀 ça\u00a0va👍🏽 Α\u200b");
    expect(culprits.map(({ character, replacement, occurrences }) => [character, replacement, occurrences])).toEqual([
      ["“", '"', 1],
      ["”", '"', 1],
      ["–", "-", 1],
      ["…", "...", 1],
      ["’", "'", 2],
      ["😀", null, 1],
      ["ç", null, 1],
      ["\u00a0", " ", 1],
      ["👍🏽", null, 1],
      ["Α", "A", 1],
      ["\u200b", "", 1],
    ]);
    expect(culprits.find((culprit) => culprit.character === "\u00a0")?.word).toBe("ça\u00a0va👍🏽");
  });

  it("composes decomposed accents when the composed letter is GSM-7", () => {
    expect(ucs2Culprits("cafe\u0301")).toMatchObject([{ character: "e\u0301", word: "cafe\u0301", replacement: "é" }]);
    expect(ucs2Culprits("a\u0301")).toMatchObject([{ replacement: null }]); // á is not GSM-7 in any form
  });

  it("counts an emoji as fixed only by removing it, and only when nothing else keeps UCS-2", () => {
    const body = `Acme: Sale😀 don’t wait ${a(60)}`;
    const [emoji, quote] = [nth(body, 0), nth(body, 1)];
    expect(countSegments(body).segments).toBe(2);
    expect(emoji).toMatchObject({ character: "😀", word: "Sale😀", replacement: null, segmentsIfFixed: 1 });
    expect(quote).toMatchObject({ character: "’", segmentsIfFixed: 2 }); // the emoji would still force UCS-2
    expect(describeUcs2Culprit(emoji, 2, emoji.segmentsIfFixed)).toBe("The 😀 in “Sale😀” makes this 2 segments instead of 1: remove it");
    expect(describeUcs2Culprit(quote, 2, quote.segmentsIfFixed)).toBe(
      "The ’ in “don’t” sends this text as UCS-2 (70 characters a segment instead of 160); its GSM-7 equivalent is '",
    );
  });

  it("names invisible characters", () => {
    const space = nth("10\u00a0%", 0);
    expect(describeUcs2Culprit(space, 1, 1)).toBe(
      "The non-breaking space in “10\u00a0%” sends this text as UCS-2 (70 characters a segment instead of 160); its GSM-7 equivalent is  ",
    );
    const joiner = nth(`a\u200bb ${a(100)}`, 0);
    expect(describeUcs2Culprit(joiner, 2, joiner.segmentsIfFixed)).toBe("The zero-width space in “a\u200bb” makes this 2 segments instead of 1: delete it");
  });

  it("does not promise savings a replacement would not bring: 54 … cost 1 segment, 162 septets of ... cost 2", () => {
    const [ellipsis] = ucs2Culprits("…".repeat(54));
    expect(ellipsis).toMatchObject({ replacement: "...", segmentsIfFixed: 1 });
    expect(countSegments("...".repeat(54)).segments).toBe(2);
  });

  const messy = fc.string({ unit: fc.constantFrom(..."ab .’“”–…😀ç\u00a0€Αé"), maxLength: 300 });

  it("never reports a fix that costs more, and fixing every replaceable culprit gives GSM-7 when all are replaceable", () => {
    fc.assert(
      fc.property(messy, (body) => {
        const before = countSegments(body).segments;
        const culprits = ucs2Culprits(body);
        for (const culprit of culprits) {
          expect(culprit.segmentsIfFixed).toBeLessThanOrEqual(before);
          expect(body.includes(culprit.character)).toBe(true);
          expect(isGsm7Character(culprit.character)).toBe(false);
        }
        expect(culprits.length === 0).toBe(countSegments(body).encoding === "GSM-7");
        if (culprits.length > 0 && culprits.every((culprit) => culprit.replacement !== null)) {
          let fixed = body;
          for (const { character, replacement } of culprits) fixed = fixed.split(character).join(replacement ?? "");
          expect(countSegments(fixed).encoding).toBe("GSM-7");
          for (const culprit of culprits) expect(culprit.segmentsIfFixed).toBe(Math.min(before, countSegments(fixed).segments));
        }
      }),
    );
  });
});
