/**
 * Which column of an imported CSV holds what, and a first guess at it from
 * the headers other tools write (Klaviyo, Attentive, Postscript, Shopify's
 * customer export, a hand-made spreadsheet). The merchant sees the guess and
 * can change every field before the import starts; the guess only saves typing.
 *
 * Columns are kept by position, not by name: exports do repeat headers
 * ("Phone" for the customer and for the address), and a position is unambiguous.
 */
import { z } from "zod";

export const IMPORT_FIELDS = [
  "phone",
  "consentDate",
  "source",
  "disclosureText",
  "disclosureReference",
  "confirmed",
  "status",
  "firstName",
  "lastName",
  "email",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** What each field is, in the merchant's words (labels of the mapping form and the report). */
export const FIELD_LABELS: Record<ImportField, string> = {
  phone: "Phone number",
  consentDate: "Consent date (when they agreed)",
  source: "Consent source (where they agreed)",
  disclosureText: "Disclosure text they were shown",
  disclosureReference: "Disclosure reference (URL, form or version)",
  confirmed: "Confirmed (double opt-in) flag",
  status: "Subscription status",
  firstName: "First name",
  lastName: "Last name",
  email: "E-mail",
};

export const DELIMITERS = [",", ";", "\t"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

const column = z.number().int().min(0).max(999);
const statedForAll = z
  .string()
  .trim()
  .max(2000, "Keep it under 2,000 characters.")
  .optional()
  .transform((value) => (value ? value : undefined));

export const importMappingSchema = z
  .object({
    delimiter: z.enum(DELIMITERS),
    /** "05/03/2024" is 5 March (true) or May 3 (false). */
    dayFirst: z.boolean(),
    columns: z.object({
      phone: column,
      consentDate: column.optional(),
      source: column.optional(),
      disclosureText: column.optional(),
      disclosureReference: column.optional(),
      confirmed: column.optional(),
      status: column.optional(),
      firstName: column.optional(),
      lastName: column.optional(),
      email: column.optional(),
    }),
    /** Stated by the merchant for every row of the file, when the file has no such column. */
    sourceForAll: statedForAll,
    disclosureForAll: statedForAll,
  })
  .superRefine((mapping, context) => {
    if (mapping.columns.consentDate === undefined) {
      context.addIssue({ code: "custom", path: ["columns", "consentDate"], message: "Choose the column with the date each person agreed: consent cannot be proven without it." });
    }
    if (mapping.columns.source === undefined && !mapping.sourceForAll) {
      context.addIssue({ code: "custom", path: ["columns", "source"], message: "Choose the column with where each person agreed, or state it for the whole file." });
    }
    if (mapping.columns.disclosureText === undefined && mapping.columns.disclosureReference === undefined && !mapping.disclosureForAll) {
      context.addIssue({
        code: "custom",
        path: ["columns", "disclosureText"],
        message: "Choose the column with the text people were shown (or a reference to it), or state it for the whole file.",
      });
    }
  });
export type ImportMapping = z.infer<typeof importMappingSchema>;
export type ImportColumns = ImportMapping["columns"];

/** A header as compared: lower case, letters and digits only ("Phone Number" → "phonenumber"). */
export function normaliseHeader(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Exact names first (most specific first), then words a header may contain. */
const HEADER_NAMES: Record<ImportField, { exact: string[]; contains: string[] }> = {
  phone: {
    exact: ["phone", "phonenumber", "smsphone", "smsphonenumber", "smsnumber", "sms", "mobile", "mobilephone", "mobilenumber", "cell", "cellphone", "msisdn", "phonee164", "defaultaddressphone"],
    contains: ["phone", "mobile"],
  },
  consentDate: {
    exact: [
      "smsconsenttimestamp", "consenttimestamp", "smsconsentdate", "consentdate", "consentedat", "optindate", "optedinat", "optintimestamp",
      "optintime", "smsoptindate", "subscribedat", "subscriptiondate", "subscribeddate", "datesubscribed", "signupdate", "signedupat", "joinedat",
      "createdat", "created", "datecreated", "subscribercreatedat", "timestamp", "date",
    ],
    contains: ["consentdate", "consenttime", "optindate", "optintime", "subscribed", "created", "date"],
  },
  source: {
    exact: ["source", "optinsource", "consentsource", "signupsource", "smsconsentmethod", "consentmethod", "optinmethod", "subscribersource", "smssource", "method", "channel"],
    contains: ["source", "method"],
  },
  disclosureText: {
    exact: ["disclosure", "disclosuretext", "consenttext", "consentlanguage", "optintext", "optinlanguage", "legaltext", "legallanguage", "smsdisclosure", "termstext"],
    contains: ["disclosure", "consenttext", "legal"],
  },
  disclosureReference: {
    exact: [
      "disclosureurl", "disclosureversion", "disclosureid", "consenturl", "consentformid", "consentform", "formurl", "formid", "formname", "sourceurl",
      "pageurl", "signupurl", "optinurl", "url", "reference", "consentreference",
    ],
    contains: ["url", "formid", "reference", "version"],
  },
  confirmed: {
    exact: ["doubleoptin", "confirmed", "confirmedoptin", "doubleoptedin", "isconfirmed", "optinlevel", "smsoptinlevel", "smsconsentlevel", "consentlevel"],
    contains: ["doubleoptin", "confirmed", "optinlevel"],
  },
  status: {
    exact: ["status", "smsstatus", "subscriptionstatus", "smssubscriptionstatus", "smsconsent", "acceptssmsmarketing", "smsmarketingconsent", "subscribed", "consent", "smssubscribed"],
    contains: ["acceptssms", "smsconsent", "status"],
  },
  firstName: { exact: ["firstname", "first", "givenname", "fname", "forename"], contains: ["firstname"] },
  lastName: { exact: ["lastname", "last", "surname", "familyname", "lname"], contains: ["lastname", "surname"] },
  email: { exact: ["email", "emailaddress", "mail"], contains: ["email"] },
};

/** Fields in the order they pick their columns: a column goes to the first field that claims it. */
const GUESS_ORDER: readonly ImportField[] = ["phone", "consentDate", "disclosureText", "disclosureReference", "confirmed", "status", "source", "firstName", "lastName", "email"];

/** The columns the headers suggest; a field with no plausible header is left out. */
export function guessColumns(headers: readonly string[]): Partial<ImportColumns> {
  const names = headers.map(normaliseHeader);
  const taken = new Set<number>();
  const guess: Partial<Record<ImportField, number>> = {};
  for (const pass of ["exact", "contains"] as const) {
    for (const field of GUESS_ORDER) {
      if (guess[field] !== undefined) continue;
      const wanted = HEADER_NAMES[field][pass];
      for (const name of wanted) {
        const index = names.findIndex((header, i) => !taken.has(i) && header !== "" && (pass === "exact" ? header === name : header.includes(name)));
        if (index >= 0) {
          guess[field] = index;
          taken.add(index);
          break;
        }
      }
    }
  }
  return guess;
}

/** The delimiter of a header line: the most frequent of , ; and tab outside quotes (a comma when none). */
export function detectDelimiter(firstLine: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((delimiter) => [delimiter, 0]));
  let quoted = false;
  for (const character of firstLine) {
    if (character === '"') quoted = !quoted;
    else if (!quoted && counts.has(character as Delimiter)) counts.set(character as Delimiter, counts.get(character as Delimiter)! + 1);
  }
  let best: Delimiter = ",";
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

/** Countries that write the month first (05/03/2024 = May 3). */
const MONTH_FIRST_COUNTRIES = new Set(["US", "PH", "FM", "PW", "MH"]);

/**
 * Whether dates such as 05/03/2024 put the day first: decided by any sample
 * that only reads one way (13/03/2024, 03/13/2024), else by the shop's country.
 */
export function guessDayFirst(samples: readonly string[], shopCountry: string | null): boolean {
  for (const sample of samples) {
    const match = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b/.exec(sample);
    if (!match) continue;
    const [first, second] = [Number(match[1]), Number(match[2])];
    if (first > 12 && second <= 12) return true;
    if (second > 12 && first <= 12) return false;
  }
  return !MONTH_FIRST_COUNTRIES.has(shopCountry ?? "US");
}

/** The whole first guess for a file's header and first rows. */
export function guessMapping(headers: readonly string[], rows: readonly (readonly string[])[], delimiter: Delimiter, shopCountry: string | null) {
  const columns = guessColumns(headers);
  const dateSamples = columns.consentDate === undefined ? [] : rows.map((row) => row[columns.consentDate!] ?? "");
  return { delimiter, dayFirst: guessDayFirst(dateSamples, shopCountry), columns };
}

const TRUE_WORDS = new Set(["yes", "y", "true", "t", "1", "x", "confirmed", "double", "doubleoptin", "doubleoptedin", "confirmedoptin", "confirmedoptedin"]);

/** A confirmed (double opt-in) flag: yes/true/1/confirmed/double opt-in/CONFIRMED_OPT_IN…; anything else is not confirmed. */
export function isConfirmedValue(value: string): boolean {
  return TRUE_WORDS.has(normaliseHeader(value));
}

const SUBSCRIBED_WORDS = new Set([
  "subscribed", "yes", "y", "true", "t", "1", "active", "optedin", "optin", "confirmed", "single", "singleoptin", "doubleoptin",
  "confirmedoptin", "subscribedsingle", "subscribeddouble",
]);
const NOT_SUBSCRIBED_WORDS = new Set([
  "unsubscribed", "optedout", "optout", "no", "n", "false", "f", "0", "notsubscribed", "neversubscribed", "unsubscribe", "stopped", "cancelled",
  "canceled", "revoked", "suppressed", "pending", "invalid", "bounced", "inactive", "blocked",
]);

/** What a status cell says: subscribed, not subscribed, or something we do not recognise. */
export function statusMeaning(value: string): "subscribed" | "not_subscribed" | "unknown" {
  const word = normaliseHeader(value);
  if (SUBSCRIBED_WORDS.has(word)) return "subscribed";
  if (NOT_SUBSCRIBED_WORDS.has(word)) return "not_subscribed";
  return "unknown";
}
