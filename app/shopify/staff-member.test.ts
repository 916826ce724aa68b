import { describe, expect, it } from "vitest";
import { staffMemberOf } from "./staff-member";

describe("staffMemberOf", () => {
  it("names the person when an online session carries their name and e-mail", () => {
    expect(staffMemberOf("42", { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com" })).toEqual({
      id: "42",
      label: "Ada Lovelace <ada@example.com> (Shopify user 42)",
    });
  });

  it("falls back to Shopify's user id, and says so when there is none", () => {
    expect(staffMemberOf("42")).toEqual({ id: "42", label: "Shopify staff user 42" });
    expect(staffMemberOf(undefined, null)).toEqual({ id: null, label: "a staff member Shopify did not name" });
    expect(staffMemberOf("  ")).toEqual({ id: null, label: "a staff member Shopify did not name" });
  });
});
