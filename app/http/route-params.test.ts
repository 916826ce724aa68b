import { describe, expect, it } from "vitest";
import { requireRowId } from "./route-params";

async function refusal(value: string | undefined): Promise<[number, string]> {
  try {
    requireRowId(value, "No such thing.");
  } catch (thrown) {
    if (thrown instanceof Response) return [thrown.status, await thrown.text()];
    throw thrown;
  }
  throw new Error(`${JSON.stringify(value)} was accepted`);
}

describe("requireRowId", () => {
  it("accepts the ids the app writes", () => {
    for (const id of ["clx9k2m3n0000abcd1234efgh", "a", "A_b-9", "x".repeat(64)]) expect(requireRowId(id, "No such thing.")).toBe(id);
  });

  it("answers 404 with the given text for anything that cannot be an id", async () => {
    for (const value of [undefined, "", "x".repeat(65), "a\u0000b", "../etc", "a b", "é", "😀", "1' OR '1'='1"]) {
      expect(await refusal(value), String(value).slice(0, 20)).toEqual([404, "No such thing."]);
    }
  });
});
