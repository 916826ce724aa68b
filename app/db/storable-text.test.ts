import { describe, expect, it } from "vitest";
import { storableJson, storableText } from "./storable-text";

describe("storableText", () => {
  it("removes NUL, which PostgreSQL cannot store in text", () => {
    expect(storableText("STOP\u0000")).toBe("STOP");
    expect(storableText("\u0000S\u0000TOP\u0000\u0000")).toBe("STOP");
  });

  it("replaces lone surrogates with U+FFFD and keeps surrogate pairs", () => {
    expect(storableText("a\uD800b")).toBe("a\uFFFDb");
    expect(storableText("a\uDC00b")).toBe("a\uFFFDb");
    expect(storableText("end\uD83D")).toBe("end\uFFFD");
    expect(storableText("\uDE00\uD83D")).toBe("\uFFFD\uFFFD"); // a low then a high: reversed, so neither is paired
    expect(storableText("stop 😀 now")).toBe("stop 😀 now");
  });

  it("leaves every other text exactly as it is, the same string", () => {
    for (const text of ["", "STOP", "Ｓｔｏｐ\u200b", "héllo\u0001\u007f", "停止 ĐỪNG 그만"]) {
      expect(storableText(text)).toBe(text);
    }
  });
});

describe("storableJson", () => {
  it("cleans every string of a parsed payload, keys included, and keeps other values", () => {
    const payload = JSON.parse('{"note":"hi\\u0000","lines":[{"title":"x\\ud800"},3,null,true],"k\\u0000ey":1}') as unknown;
    expect(storableJson(payload)).toEqual({ note: "hi", lines: [{ title: "x\uFFFD" }, 3, null, true], key: 1 });
  });
});
