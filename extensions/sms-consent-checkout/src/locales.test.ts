import { expect, test } from "vitest";
import en from "../locales/en.default.json";
import es from "../locales/es.json";
import fr from "../locales/fr.json";

const keys = (node: object, prefix = ""): string[] =>
  Object.entries(node).flatMap(([key, value]) =>
    typeof value === "object" ? keys(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );

test.each([
  ["es", es],
  ["fr", fr],
])("%s has every UI string English has", (_, messages) => {
  expect(keys(messages).sort()).toEqual(keys(en).sort());
});
