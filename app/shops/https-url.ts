/** True for an absolute https:// URL: the only links shown to shoppers and subscribers (checkout shows nothing else). */
export function isHttpsUrl(value: string | null | undefined): value is string {
  if (!value) return false;
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}
