/**
 * What did the subscriber mean? Classifies an inbound SMS body as an opt-out,
 * a help request, an opt-in, a possible opt-out worth one clarifying reply, or
 * anything else. Pure and fast: it runs on every inbound webhook.
 *
 * Revocation comes first (FCC 2024: consent may be revoked by "any reasonable
 * means"), so the order of precedence is
 *   opt_out > ambiguous_opt_out > help > opt_in > other.
 *
 * How a body is read:
 * 0. Normalised once (`normalizeInboundText`): compatibility forms folded
 *    (full-width, math and circled letters), invisible format characters
 *    dropped (zero-width spaces, BOM, soft hyphens), every space one space.
 * 1. Tokens: case-folded, accents stripped (kept aside for language), apostrophes
 *    dropped ("don't" → "dont"), punctuation splits words and . ! ? , ; end a clause.
 *    Leetspeak and the common misspellings of STOP, UNSUBSCRIBE, CANCEL… read
 *    as the word ("st0p", "5TOP", "tsop", "cancl").
 * 2. Whole-body tables (keyword-lexicon.ts): the entire message, ignoring fillers
 *    ("please", "por favor"), repeated words and repeated letters; a help
 *    request may also be several sentences that are each one.
 * 3. In-text patterns: definitive words and free-text phrases anywhere, unless
 *    negated ("don't stop") or contradicted by context ("stop by", "cancel my
 *    order", "when does the sale end").
 * The vocabulary lives in keyword-lexicon.ts; this file holds the rules.
 */
import { LANGUAGES, type Language, isLanguage } from "../language/languages";
import {
  AMBIGUOUS_IN_TEXT,
  AMBIGUOUS_WHOLE_BODY,
  COMPLAINT_SUBJECTS,
  CONTEXT_RULES,
  type ContextRule,
  expandAlternatives,
  FILLERS,
  HELP_WHOLE_BODY,
  INTERNATIONAL_KEYWORDS,
  INVERTING_NEGATORS,
  KEEPS_THE_TEXTS,
  type LanguageTable,
  LEET_LETTERS,
  type LexiconLanguage,
  NEGATION_BRIDGES,
  NEGATORS,
  NOT_MISSPELLINGS,
  MISSPELLED_OPT_OUTS,
  OPT_IN_WHOLE_BODY,
  OPT_OUT_IN_TEXT,
  OPT_OUT_WHOLE_BODY,
  TWILIO_KEYWORDS,
  WHY_WORDS,
} from "./keyword-lexicon";

export type InboundIntent = "opt_out" | "help" | "opt_in" | "ambiguous_opt_out" | "other";


export interface Classification {
  intent: InboundIntent;
  /** Language of the matched phrase when identifiable, else null. */
  language: Language | null;
  /** The keyword/phrase that decided it (for evidence/audit). */
  matched: string | null;
  /** Non-null iff Twilio's default keyword handling would intercept this exact body. */
  twilioKeyword: "STOP" | "START" | "HELP" | null;
}

export interface ClassifyOptions {
  /** The shop's own join keywords (JOIN, DEALS…): whole body, any case. */
  extraOptInKeywords?: readonly string[];
}

export function classifyInbound(body: string, options: ClassifyOptions = {}): Classification {
  // Twilio compares the raw body, so its verdict is read before normalising.
  const twilioKeyword = TWILIO_BY_BODY.get(body.trim().toLowerCase()) ?? null;
  const text = normalizeInboundText(body);
  const slots = tokenizeNormalized(text);
  const fillers = readFillers(slots);
  const decide = (intent: InboundIntent, found: Found | null): Classification => ({
    intent,
    language: found ? resolveLanguage(found.entry, fillers.hint) : null,
    matched: found?.matched ?? null,
    twilioKeyword,
  });

  const whole = matchWholeBody(slots, fillers.kept);
  if (whole?.entry.intent === "opt_out") return decide("opt_out", whole);

  const inText = scanInText(slots);
  if (inText.optOut) return decide(keepsTheTexts(slots) ? "ambiguous_opt_out" : "opt_out", inText.optOut);
  if (whole?.entry.intent === "ambiguous_opt_out") return decide("ambiguous_opt_out", whole);
  if (inText.ambiguous) return decide("ambiguous_opt_out", inText.ambiguous);
  if (whole?.entry.intent === "help") return decide("help", whole);
  const helpQuestions = matchEverySentenceAsHelp(slots);
  if (helpQuestions) return decide("help", helpQuestions);

  // Consent must be an unmistakable yes: a question ("yes?") is not one.
  if (!/[?¿]/.test(text)) {
    const extra = matchExtraOptIn(slots, fillers.kept, options.extraOptInKeywords ?? []);
    if (extra) return { intent: "opt_in", language: null, matched: extra, twilioKeyword };
    if (whole?.entry.intent === "opt_in") return decide("opt_in", whole);
  }
  return decide("other", null);
}

// ───────────────────────────── normalising ─────────────────────────────

/** Format characters (zero-width space/joiners, BOM, soft hyphen, bidi marks, tags), variation selectors, Arabic tatweel. */
const INVISIBLE = /\p{Cf}|\u034f|\u0640|[\ufe00-\ufe0f]|[\u{e0100}-\u{e01ef}]/gu;
const SPACES = /[\p{Zs}\t]+/gu;
const LINE_BREAKS = /[\r\n\v\f\u2028\u2029\u0085]+/gu;
/**
 * Letters NFKC leaves alone but people use as letters: regional indicators
 * (🇸🇹🇴🇵), negative circled and squared letters (🅢🅣🅞🅟, 🆂🆃🅾🅿), small capitals (ꜱᴛᴏᴘ).
 */
const SMALL_CAPITALS = "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ";
const SMALL_CAPITAL_LETTERS = "abcdefghijklmnoprstuvwyz";
/** Each range runs A to Z. */
const LOOKALIKE_RANGES: ReadonlyArray<readonly [first: number, last: number]> = [
  [0x1f1e6, 0x1f1ff],
  [0x1f150, 0x1f169],
  [0x1f170, 0x1f189],
];
const LOOKALIKE = new RegExp(`[\\u{1f150}-\\u{1f189}\\u{1f1e6}-\\u{1f1ff}${SMALL_CAPITALS}]`, "gu");

function unLookalike(char: string): string {
  const small = SMALL_CAPITALS.indexOf(char);
  if (small >= 0) return SMALL_CAPITAL_LETTERS[small]!;
  const code = char.codePointAt(0)!;
  const range = LOOKALIKE_RANGES.find(([first, last]) => code >= first && code <= last);
  return range ? String.fromCharCode(0x61 + code - range[0]) : char;
}

/**
 * The one place an inbound body is made comparable: what a person sees as
 * STOP reads as "stop" whatever compatibility forms or invisible characters
 * their keyboard, a copy-paste or a forwarding app put in. Case is kept.
 */
export function normalizeInboundText(body: string): string {
  return body
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .replace(LOOKALIKE, unLookalike)
    .replace(LINE_BREAKS, "\n")
    .replace(SPACES, " ");
}

// ───────────────────────────── tokens ─────────────────────────────

interface Token {
  /** Lower-case, accents kept: "arrêt". */
  readonly accented: string;
  /** Accents stripped: "arret". */
  readonly plain: string;
  /** Repeated letters collapsed: "stoppp" → "stop". */
  readonly squeezed: string;
}
/** null marks a clause boundary (. ! ? , ; : …). */
type Slot = Token | null;

const APOSTROPHES = /['’‘ʼ`´′]/g;
/** "wrong #" means "wrong number"; "#1234" and "#deals" are left alone. */
const LONE_HASH = /#(?![\p{L}\p{N}])/gu;
/** Emoji that carry meaning on their own (see the lexicon); other emoji are ignored like punctuation. */
const MEANINGFUL_EMOJI = "🛑⛔🚫✋🤚🔕👎🙅❌";
/** Chinese has no spaces between words: each Han character is a token of its own. */
const HAN = /\p{Script=Han}/gu;
const TOKEN = new RegExp(`[\\p{L}\\p{N}\\p{M}]+|[${MEANINGFUL_EMOJI}]|[.!?;,:…¡¿\\n]+`, "gu");
const BOUNDARY = /^[.!?;,:…¡¿\n]/;
/** Lower-case ASCII and lone Han characters need no folding (the common cases, and the hot path). */
const PLAIN_WORD = /^(?:[a-z0-9]+|\p{Script=Han})$/u;

function tokenize(text: string): Slot[] {
  return tokenizeNormalized(normalizeInboundText(text));
}

function tokenizeNormalized(text: string): Slot[] {
  const prepared = text.toLowerCase().replace(APOSTROPHES, "").replace(LONE_HASH, " number ").replace(HAN, " $& ");
  const slots: Slot[] = [];
  for (const [piece] of prepared.matchAll(TOKEN)) {
    if (BOUNDARY.test(piece)) {
      if (slots.length > 0 && slots[slots.length - 1] !== null) slots.push(null);
      continue;
    }
    const plain = PLAIN_WORD.test(piece) ? piece : fold(piece);
    if (plain) slots.push({ accented: piece, plain, squeezed: spellingOf(plain) });
  }
  return slots;
}

/** Accents off; "đ" is written "d" on phones without Vietnamese input; Hangul recomposed into syllables. */
function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/ß/g, "ss").replace(/đ/g, "d").normalize("NFC");
}

function squeeze(text: string): string {
  return text.replace(/(.)\1+/gu, "$1");
}

const LEET_DIGIT = /[013457]/g;
const LETTER = /\p{L}/u;
const DIGIT = /\d/;

/**
 * The squeezed form matching works on: repeated letters collapsed, digits in a
 * word read as letters ("st0p", "5TOP"), and a misspelt opt-out word read as
 * the word. A number alone ("1234") stays a number.
 */
function spellingOf(plain: string): string {
  const letters = DIGIT.test(plain) && LETTER.test(plain) ? plain.replace(LEET_DIGIT, (digit) => LEET_LETTERS[digit] ?? digit) : plain;
  const squeezed = squeeze(letters);
  return MISSPELLINGS.get(squeezed) ?? squeezed;
}

/** Read as another word ("st0p", "tsop"): the word as written is the evidence. */
const isMisspelt = (token: Token): boolean => squeeze(token.plain) !== token.squeezed;

/** Every tolerated misspelling of a MISSPELLED_OPT_OUTS word (squeezed) → the word (squeezed). */
const MISSPELLINGS = (() => {
  const reserved = new Set([...MISSPELLED_OPT_OUTS, ...NOT_MISSPELLINGS].map(squeeze));
  const map = new Map<string, string>();
  for (const written of MISSPELLED_OPT_OUTS) {
    // From the word as written and as squeezed: "stopall" and "stopal" are both STOPALL.
    for (const form of new Set([written, squeeze(written)])) {
      for (const variant of oneSlipFrom(form)) {
        const key = squeeze(variant);
        if (!reserved.has(key) && !map.has(key)) map.set(key, squeeze(written));
      }
    }
  }
  return map;
})();

/** One adjacent pair swapped; for words of six letters or more, also one letter dropped or added. */
function* oneSlipFrom(word: string): Generator<string> {
  for (let i = 0; i + 1 < word.length; i++) yield word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  if (word.length < 6) return;
  for (let i = 0; i < word.length; i++) yield word.slice(0, i) + word.slice(i + 1);
  for (let i = 0; i <= word.length; i++) {
    for (const letter of "abcdefghijklmnopqrstuvwxyz") yield word.slice(0, i) + letter + word.slice(i);
  }
}

const realTokens = (slots: readonly Slot[]): Token[] => slots.filter((slot): slot is Token => slot !== null);
const joinKey = (tokens: readonly Token[], form: keyof Token): string => tokens.map((token) => token[form]).join(" ");

// ───────────────────────────── lexicon index ─────────────────────────────

interface Entry {
  readonly intent: InboundIntent;
  /** The lexicon phrase as written, reported as `matched`. */
  readonly display: string;
  /** Every language listing this phrase; empty for emoji. */
  readonly languages: readonly LexiconLanguage[];
  /** The phrase with accents stripped, tokens joined by spaces. */
  readonly plain: string;
}

interface Found {
  readonly entry: Entry;
  readonly matched: string;
}

function* phrasesOf(table: LanguageTable): Generator<{ phrase: string; languages: LexiconLanguage[] }> {
  for (const [key, patterns] of Object.entries(table)) {
    const languages = key === "neutral" ? [] : [key as LexiconLanguage];
    for (const pattern of patterns ?? []) {
      for (const phrase of expandAlternatives(pattern)) yield { phrase, languages };
    }
  }
}

/**
 * Adds an entry under `key`; the same phrase in two languages keeps both
 * languages. With `squeezedKey`, a phrase spelled exactly like the key beats
 * one that only squeezes to it ("stoppp" is "stop", not German "stopp").
 */
function addEntry(map: Map<string, Entry>, key: string, entry: Entry, squeezedKey: boolean): void {
  const existing = map.get(key);
  if (!existing) {
    map.set(key, entry);
    return;
  }
  if (existing.intent !== entry.intent) {
    throw new Error(`keyword lexicon: "${entry.display}" means ${entry.intent} but "${existing.display}" means ${existing.intent}`);
  }
  if (squeezedKey && existing.plain !== entry.plain) {
    if (entry.plain === key) map.set(key, entry);
    if (entry.plain === key || existing.plain === key) return;
  }
  map.set(key, { ...existing, languages: [...new Set([...existing.languages, ...entry.languages])] });
}

const WHOLE_BODY = (() => {
  const index = {
    accented: new Map<string, Entry>(),
    plain: new Map<string, Entry>(),
    squeezed: new Map<string, Entry>(),
    /** No reading longer than this can match: skip the lookups for long messages. */
    maxTokens: 0,
  };
  const tables: Array<[InboundIntent, LanguageTable]> = [
    ["opt_out", OPT_OUT_WHOLE_BODY],
    ["ambiguous_opt_out", AMBIGUOUS_WHOLE_BODY],
    ["help", HELP_WHOLE_BODY],
    ["opt_in", OPT_IN_WHOLE_BODY],
  ];
  for (const [intent, table] of tables) {
    for (const { phrase, languages } of phrasesOf(table)) {
      const tokens = realTokens(tokenize(phrase));
      const entry: Entry = { intent, display: phrase, languages, plain: joinKey(tokens, "plain") };
      index.maxTokens = Math.max(index.maxTokens, tokens.length);
      addEntry(index.accented, joinKey(tokens, "accented"), entry, false);
      addEntry(index.plain, entry.plain, entry, false);
      addEntry(index.squeezed, joinKey(tokens, "squeezed"), entry, true);
    }
  }
  return index;
})();

interface CompiledRule {
  readonly effect: ContextRule["effect"];
  readonly previous: ReadonlySet<string>;
  readonly next: ReadonlySet<string>;
  readonly nextEndingIn: readonly string[];
  readonly near: ReadonlySet<string>;
  readonly unlessNear: ReadonlySet<string>;
  readonly window: number;
  readonly afterOnly: boolean;
}

interface Pattern extends Entry {
  readonly plainTokens: readonly string[];
  readonly squeezedTokens: readonly string[];
  /** Listed without doubled letters, so a squeezed spelling is closer to it than to one with them. */
  readonly hasNoDoubles: boolean;
  readonly negators: ReadonlySet<string>;
  readonly rules: readonly CompiledRule[];
}

const BRIDGES = new Set(NEGATION_BRIDGES);
const COMPLAINERS = new Set(COMPLAINT_SUBJECTS);
const INVERTING = new Set(INVERTING_NEGATORS);
const INVERTED_SUBJECTS = new Set(["you", "u", "ya"]);
const WHY = new Set(WHY_WORDS);
const INTERNATIONAL = new Set(INTERNATIONAL_KEYWORDS);

function compileRules(keyword: string): CompiledRule[] {
  return CONTEXT_RULES.filter((rule) => rule.keywords.includes(keyword)).map((rule) => ({
    effect: rule.effect,
    previous: new Set(rule.previous),
    next: new Set(rule.next),
    nextEndingIn: rule.nextEndingIn ?? [],
    near: new Set(rule.near),
    unlessNear: new Set(rule.unlessNear),
    window: rule.window ?? 4,
    afterOnly: rule.afterOnly ?? false,
  }));
}

function makePattern(intent: InboundIntent, display: string, languages: readonly LexiconLanguage[]): Pattern {
  const tokens = realTokens(tokenize(display));
  const plain = joinKey(tokens, "plain");
  return {
    intent,
    display,
    languages,
    plain,
    plainTokens: tokens.map((token) => token.plain),
    squeezedTokens: tokens.map((token) => token.squeezed),
    hasNoDoubles: tokens.every((token) => token.plain === token.squeezed),
    // Emoji take English grammar: "don't 🛑 the deals" is negated, "no 🛑" is not.
    negators: new Set((languages.length === 0 ? ["en" as const] : languages).flatMap((language) => NEGATORS[language])),
    rules: compileRules(plain),
  };
}

/**
 * In-text patterns as a trie over squeezed tokens: each node holds the patterns
 * that end there (several when spellings squeeze alike: "stop" and "stopp").
 */
interface TrieNode {
  readonly next: Map<string, TrieNode>;
  readonly patterns: Pattern[];
}

const IN_TEXT = (() => {
  const byPhrase = new Map<string, Pattern>();
  const tables: Array<[InboundIntent, LanguageTable]> = [
    ["opt_out", OPT_OUT_IN_TEXT],
    ["ambiguous_opt_out", AMBIGUOUS_IN_TEXT],
  ];
  for (const [intent, table] of tables) {
    for (const { phrase, languages } of phrasesOf(table)) {
      const pattern = makePattern(intent, phrase, languages);
      const existing = byPhrase.get(pattern.plain);
      if (!existing) {
        byPhrase.set(pattern.plain, pattern);
        continue;
      }
      if (existing.intent !== intent) throw new Error(`keyword lexicon: "${phrase}" is both ${existing.intent} and ${intent}`);
      byPhrase.set(pattern.plain, makePattern(intent, existing.display, [...new Set([...existing.languages, ...languages])]));
    }
  }
  const root: TrieNode = { next: new Map(), patterns: [] };
  for (const pattern of byPhrase.values()) {
    let node = root;
    for (const token of pattern.squeezedTokens) {
      let child = node.next.get(token);
      if (!child) node.next.set(token, (child = { next: new Map(), patterns: [] }));
      node = child;
    }
    node.patterns.push(pattern);
  }
  return root;
})();

/** Fillers, indexed by first squeezed token, each with the languages that use it. */
const FILLER_INDEX = (() => {
  const byPhrase = new Map<string, { tokens: string[]; languages: Set<LexiconLanguage> }>();
  for (const { phrase, languages } of phrasesOf(FILLERS)) {
    const tokens = realTokens(tokenize(phrase)).map((token) => token.squeezed);
    const key = tokens.join(" ");
    const existing = byPhrase.get(key) ?? { tokens, languages: new Set<LexiconLanguage>() };
    for (const language of languages) existing.languages.add(language);
    byPhrase.set(key, existing);
  }
  const index = new Map<string, Array<{ tokens: string[]; languages: Set<LexiconLanguage> }>>();
  for (const filler of byPhrase.values()) {
    const first = filler.tokens[0];
    if (first === undefined) continue;
    // Longest first, so "thank you" wins over "thank".
    index.set(first, [...(index.get(first) ?? []), filler].sort((a, b) => b.tokens.length - a.tokens.length));
  }
  return index;
})();

const TWILIO_BY_BODY = new Map<string, Classification["twilioKeyword"]>(
  (Object.entries(TWILIO_KEYWORDS) as Array<[keyof typeof TWILIO_KEYWORDS, readonly string[]]>).flatMap(
    ([keyword, bodies]) => bodies.map((text) => [text, keyword] as const),
  ),
);

// ───────────────────────────── fillers & language ─────────────────────────────

/** Drops fillers; the one language all the fillers share, if any, is a hint for shared keywords. */
function readFillers(slots: readonly Slot[]): { kept: Token[]; hint: Language | null } {
  const tokens = realTokens(slots);
  const kept: Token[] = [];
  const fillerLanguages: Array<ReadonlySet<LexiconLanguage>> = [];
  for (let i = 0; i < tokens.length; ) {
    const filler = FILLER_INDEX.get(tokens[i]!.squeezed)?.find((candidate) =>
      candidate.tokens.every((word, k) => tokens[i + k]?.squeezed === word),
    );
    if (filler) {
      fillerLanguages.push(filler.languages);
      i += filler.tokens.length;
    } else {
      kept.push(tokens[i]!);
      i += 1;
    }
  }
  const shared = fillerLanguages.length === 0 ? [] : LANGUAGES.filter((language) => fillerLanguages.every((set) => set.has(language)));
  return { kept, hint: shared.length === 1 ? shared[0]! : null };
}

/** The reply language the match points to; words of a language the app cannot reply in point nowhere. */
function resolveLanguage(entry: Entry, hint: Language | null): Language | null {
  if (entry.languages.length === 0) return hint;
  const replyable = entry.languages.filter(isLanguage);
  const [only] = replyable;
  if (replyable.length === 1 && only) return hint && INTERNATIONAL.has(entry.plain) ? hint : only;
  return hint && replyable.includes(hint) ? hint : null;
}

// ───────────────────────────── whole body ─────────────────────────────

/** The ways a message can still be "just the keyword": as is, without repeats, without fillers, spelled out. */
function wholeBodyReadings(slots: readonly Slot[], withoutFillers: readonly Token[]): Token[][] {
  const tokens = realTokens(slots);
  const readings = [tokens, dedupeAdjacent(tokens), [...withoutFillers], dedupeAdjacent(withoutFillers)];
  // "S T O P", "s.t.o.p"
  if (tokens.length >= 2 && tokens.every((token) => token.plain.length === 1)) {
    const plain = tokens.map((token) => token.plain).join("");
    readings.push([{ accented: tokens.map((token) => token.accented).join(""), plain, squeezed: squeeze(plain) }]);
  }
  return readings.filter((reading) => reading.length > 0);
}

function dedupeAdjacent(tokens: readonly Token[]): Token[] {
  return tokens.filter((token, i) => i === 0 || tokens[i - 1]?.squeezed !== token.squeezed);
}

function matchWholeBody(slots: readonly Slot[], withoutFillers: readonly Token[]): Found | null {
  for (const reading of wholeBodyReadings(slots, withoutFillers)) {
    if (reading.length > WHOLE_BODY.maxTokens) continue;
    const entry =
      WHOLE_BODY.accented.get(joinKey(reading, "accented")) ??
      WHOLE_BODY.plain.get(joinKey(reading, "plain")) ??
      WHOLE_BODY.squeezed.get(joinKey(reading, "squeezed"));
    if (entry) return { entry, matched: reading.length === 1 && isMisspelt(reading[0]!) ? reading[0]!.plain : entry.display };
  }
  return null;
}

/**
 * "Hi. Who is this? Why am I getting these?": several sentences, each a help
 * request on its own (or only fillers), make a help request. One sentence
 * that is not ("help, where is my order?") makes it a question for the shop.
 */
function matchEverySentenceAsHelp(slots: readonly Slot[]): Found | null {
  if (!slots.includes(null)) return null;
  let found: Found | null = null;
  let sentence: Slot[] = [];
  for (const slot of [...slots, null]) {
    if (slot) {
      sentence.push(slot);
      continue;
    }
    const { kept } = readFillers(sentence);
    if (kept.length > 0) {
      const match = matchWholeBody(sentence, kept);
      if (match?.entry.intent !== "help") return null;
      found ??= match;
    }
    sentence = [];
  }
  return found;
}

function matchExtraOptIn(slots: readonly Slot[], withoutFillers: readonly Token[], keywords: readonly string[]): string | null {
  if (keywords.length === 0) return null;
  const bodies = new Set(wholeBodyReadings(slots, withoutFillers).map((reading) => joinKey(reading, "plain")));
  for (const keyword of keywords) {
    const key = joinKey(realTokens(tokenize(keyword)), "plain");
    if (key && bodies.has(key)) return keyword.trim();
  }
  return null;
}

// ───────────────────────────── in text ─────────────────────────────

type Status = "affirmed" | "unclear";

interface Hit extends Found {
  readonly status: Status;
  readonly length: number;
}

const UNSUBSCRIBE_TYPO = makePattern("opt_out", "unsubscribe", ["en"]);

/** Keep-the-texts phrases by first word, so most words cost one lookup. */
const KEEP_PHRASES = (() => {
  const byFirst = new Map<string, string[][]>();
  for (const phrase of KEEPS_THE_TEXTS) {
    const words = realTokens(tokenize(phrase)).map((token) => token.plain);
    byFirst.set(words[0]!, [...(byFirst.get(words[0]!) ?? []), words]);
  }
  return byFirst;
})();
const KEEP_NEGATORS = new Set(NEGATORS.en);
/** "keep your texts to yourself", "keep the texts away": the opposite of keeping them. */
const AWAY = new Set(["to", "away", "out", "off"]);

/** "unsubscribe me from emails but keep texts": the message itself says the texts stay (not "don't keep…", "keep … to yourself"). */
function keepsTheTexts(slots: readonly Slot[]): boolean {
  return slots.some((slot, start) => {
    const phrases = slot ? KEEP_PHRASES.get(slot.plain) : undefined;
    if (!phrases || KEEP_NEGATORS.has(slots[start - 1]?.plain ?? "")) return false;
    return phrases.some(
      (phrase) => phrase.every((word, k) => slots[start + k]?.plain === word) && !AWAY.has(slots[start + phrase.length]?.plain ?? ""),
    );
  });
}

function scanInText(slots: readonly Slot[]): { optOut: Hit | null; ambiguous: Hit | null } {
  let optOut: Hit | null = null;
  let ambiguous: Hit | null = null;
  for (let start = 0; start < slots.length; start++) {
    const first = slots[start];
    if (!first) continue;
    for (const pattern of patternsAt(slots, start, first)) {
      const hit = assess(slots, start, pattern, first);
      if (!hit) continue;
      if (pattern.intent === "opt_out" && hit.status === "affirmed") {
        if (!optOut || hit.length > optOut.length) optOut = hit;
      } else {
        ambiguous ??= hit;
      }
    }
  }
  return { optOut, ambiguous };
}

/** Every listed pattern that starts at `start`, or a misspelt "unsubscribe". */
function patternsAt(slots: readonly Slot[], start: number, first: Token): Pattern[] {
  const found: Pattern[] = [];
  let node = IN_TEXT.next.get(first.squeezed);
  for (let end = start + 1; node; end++) {
    const closest = closestSpelling(slots, start, node.patterns);
    if (closest) found.push(closest);
    const token = slots[end];
    node = token ? node.next.get(token.squeezed) : undefined;
  }
  if (found.length === 0 && isUnsubscribeTypo(first.plain)) found.push(UNSUBSCRIBE_TYPO);
  return found;
}

/**
 * Among patterns that squeeze alike, the one spelled most like the message:
 * "stop" is English "stop", "stopp" German "stopp", "stoppp" English again
 * (each then judged with its own language's negators).
 */
function closestSpelling(slots: readonly Slot[], start: number, patterns: readonly Pattern[]): Pattern | null {
  let best: Pattern | null = null;
  let bestScore = -1;
  for (const pattern of patterns) {
    const exact = pattern.plainTokens.every((word, k) => slots[start + k]?.plain === word);
    const score = exact ? 2 : pattern.hasNoDoubles ? 1 : 0;
    if (score > bestScore) [best, bestScore] = [pattern, score];
  }
  return best;
}

function assess(slots: readonly Slot[], start: number, pattern: Pattern, first: Token): Hit | null {
  const negation = negationBefore(slots, start, pattern.negators);
  if (negation === "negated") return null;
  const context = contextAround(slots, start, start + pattern.squeezedTokens.length, pattern.rules);
  if (context === "veto") return null;
  return {
    entry: pattern,
    matched: pattern === UNSUBSCRIBE_TYPO || (pattern.squeezedTokens.length === 1 && isMisspelt(first)) ? first.plain : pattern.display,
    status: negation === "unclear" || context === "unclear" ? "unclear" : "affirmed",
    length: pattern.squeezedTokens.length,
  };
}

/** Misspelt unsubscribes: "unsubscibe", "unsubscirbe", "unsubbed". Never "subscribe" (no "un"). */
function isUnsubscribeTypo(word: string): boolean {
  if (word.startsWith("unsubs") || word.startsWith("unsubb")) return true;
  if (!word.startsWith("un") || word.length < 8 || word.length > 14) return false;
  return editDistance(word, "unsubscribe", 2) <= 2 || editDistance(word, "unsubscribed", 2) <= 2;
}

/** Optimal-string-alignment distance (transpositions count once), capped at max + 1. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

const MAX_BRIDGES = 3;

/**
 * Looks back from a keyword for a negator in the same clause, across at most
 * three bridge words ("don't ever stop", "I don't want to unsubscribe").
 */
function negationBefore(slots: readonly Slot[], start: number, negators: ReadonlySet<string>): "none" | "negated" | "unclear" {
  for (let j = start - 1, hops = 0; j >= 0 && hops <= MAX_BRIDGES; j--, hops++) {
    const token = slots[j];
    if (!token) return "none";
    if (negators.has(token.plain)) return readNegation(slots, j);
    if (!BRIDGES.has(token.plain)) return "none";
  }
  return "none";
}

function readNegation(slots: readonly Slot[], at: number): "none" | "negated" | "unclear" {
  const negator = slots[at]!.plain;
  const before = slots[at - 1] ?? null;
  const beforeThat = before ? (slots[at - 2] ?? null) : null;
  const after = slots[at + 1] ?? null;
  // "why won't you stop", "¿por qué no paran?": a demand, not a negation.
  if (isWhy(before) || isWhy(beforeThat) || (beforeThat?.plain === "por" && before?.plain === "que")) return "none";
  // "can't you stop…", "won't you stop…"
  if (INVERTING.has(negator) && after && INVERTED_SUBJECTS.has(after.plain)) return "none";
  // "these texts never stop", "you don't stop": complaint or compliment? Ask.
  if (before && COMPLAINERS.has(before.plain)) return "unclear";
  return "negated";
}

const isWhy = (token: Token | null): boolean => token !== null && WHY.has(token.plain);

/** The strongest verdict of the keyword's context rules: veto beats unclear. */
function contextAround(slots: readonly Slot[], start: number, end: number, rules: readonly CompiledRule[]): "veto" | "unclear" | null {
  let unclear = false;
  for (const rule of rules) {
    if (!fires(rule, slots, start, end)) continue;
    if (rule.effect === "veto") return "veto";
    unclear = true;
  }
  return unclear ? "unclear" : null;
}

function fires(rule: CompiledRule, slots: readonly Slot[], start: number, end: number): boolean {
  const previous = slots[start - 1];
  const next = slots[end];
  if (previous && rule.previous.has(previous.plain)) return true;
  if (next && rule.next.has(next.plain)) return true;
  if (next && rule.nextEndingIn.some((ending) => next.plain.endsWith(ending))) {
    return !clauseWindow(slots, start, end, rule.window, true).some((word) => rule.unlessNear.has(word));
  }
  if (rule.near.size === 0) return false;
  const around = clauseWindow(slots, start, end, rule.window, rule.afterOnly);
  // The texts named anywhere in the clause keep it about the texts: "stop my auto-ship and the texts".
  return around.some((word) => rule.near.has(word)) && !clauseWindow(slots, start, end, CLAUSE, rule.afterOnly).some((word) => rule.unlessNear.has(word));
}

/** Longer than any clause worth reading: the whole clause. */
const CLAUSE = 64;

/** Up to `size` words either side of [start, end), without crossing a clause boundary. */
function clauseWindow(slots: readonly Slot[], start: number, end: number, size: number, afterOnly: boolean): string[] {
  const words: string[] = [];
  for (let j = end; j < end + size; j++) {
    const token = slots[j];
    if (!token) break;
    words.push(token.plain);
  }
  if (afterOnly) return words;
  for (let j = start - 1; j >= start - size; j--) {
    const token = slots[j];
    if (!token) break;
    words.push(token.plain);
  }
  return words;
}
