/** The staff member behind an admin request, as far as Shopify tells us: recorded with every change staff make to consent. */
export interface StaffMember {
  /** Shopify's user id (the session token's `sub`), or null when the token names nobody. */
  id: string | null;
  /** In words, for evidence and the timeline: the name and e-mail when an online session carries them, else the user id. */
  label: string;
}

interface AssociatedUser {
  first_name?: string;
  last_name?: string;
  email?: string;
}

export function staffMemberOf(sub: unknown, user?: AssociatedUser | null): StaffMember {
  const id = typeof sub === "string" && sub.trim() ? sub.trim() : null;
  const name = [user?.first_name, user?.last_name].filter(Boolean).join(" ").trim();
  const named = [name, user?.email ? `<${user.email}>` : ""].filter(Boolean).join(" ");
  const label = named ? `${named}${id ? ` (Shopify user ${id})` : ""}` : id ? `Shopify staff user ${id}` : "a staff member Shopify did not name";
  return { id, label };
}
