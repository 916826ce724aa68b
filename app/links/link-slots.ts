/**
 * A campaign's text rendered once with a slot where each link goes, then
 * filled per recipient with their own short links: rendering costs about a
 * tenth of a millisecond, a string replace a fraction of that, and planning
 * writes 100,000 texts. Planning already renders once per distinct first
 * name; with slots, tracked links keep it that way.
 *
 * A slot is a control character, a number and the same character again.
 * Control characters never come from a first name (the renderer turns them
 * into spaces), and any link in the merchant's text goes through rewriteLink;
 * a merchant text that holds such a character itself is still filled right:
 * then `fill` renders again for the recipient instead of replacing.
 *
 * Every short link of an app has one length and is GSM-7, so the segments of
 * a text filled with `shortLinkPlaceholder(appUrl)` are every recipient's.
 */
const SLOT_MARK = "\u0001";
// eslint-disable-next-line no-control-regex -- the control character is the point: no first name can hold one
const SLOT = /\u0001(\d+)\u0001/g;

export type Render = (rewriteLink: (url: string) => string) => string;

export interface SlottedText {
  /** The distinct URLs of the text, in order of first appearance. */
  urls: readonly string[];
  /** The text with each link replaced by `rewriteLink(url)` (a URL written twice is asked for once per occurrence). */
  fill(rewriteLink: (url: string) => string): string;
}

export function slottedText(render: Render): SlottedText {
  const urls: string[] = [];
  let slots = 0;
  const text = render((url) => {
    let index = urls.indexOf(url);
    if (index === -1) index = urls.push(url) - 1;
    slots += 1;
    return `${SLOT_MARK}${index}${SLOT_MARK}`;
  });
  const marks = text.split(SLOT_MARK).length - 1;
  if (marks !== 2 * slots) return { urls, fill: (rewriteLink) => render(rewriteLink) };
  if (slots === 0) return { urls, fill: () => text };
  return { urls, fill: (rewriteLink) => text.replace(SLOT, (_, index: string) => rewriteLink(urls[Number(index)]!)) };
}
