/**
 * The consent state machine, as pure functions. Every change of a subscriber's
 * status goes through `transition`, and every change it allows becomes one
 * consent event in the ledger (see ledger.server.ts).
 *
 *   (none) ──request_opt_in──▶ pending ──confirm──▶ subscribed ──opt_out──▶ unsubscribed
 *                                 │ expire                ▲                      │
 *                                 ▼                       └──────opt_in──────────┘
 *                              expired
 *
 * A STOP from a number we have never seen still creates an unsubscribed record:
 * the revocation must hold against any later import or sync. So bulk sources
 * (an imported list, a Shopify customer sync) can never undo a revocation or
 * text an opted-out number to ask again, and neither can staff in the admin:
 * only the person's own new act can.
 */
export const SUBSCRIBER_STATUSES = ["pending", "subscribed", "unsubscribed", "expired"] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export const CONSENT_SOURCES = [
  "checkout",
  "keyword",
  "form",
  "import",
  "admin",
  "carrier",
  "shopify_sync",
  "system", // the app itself, e.g. a double opt-in window that lapsed
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export type ConsentAction =
  | "request_opt_in" // consent given, confirmation by reply still required (double opt-in)
  | "opt_in" // consent given and complete (single opt-in, or a re-subscription)
  | "confirm" // the subscriber replied Y to the double opt-in request
  | "opt_out"
  | "carrier_opt_out" // Twilio error 21610: the carrier/Twilio has this number blocked
  | "expire"; // a pending request was never confirmed

export type ConsentEventKind =
  | "opt_in_requested"
  | "opted_in"
  | "confirmed"
  | "resubscribed"
  | "opted_out"
  | "carrier_opt_out"
  | "expired";

export type Transition =
  | { changed: true; to: SubscriberStatus; kind: ConsentEventKind }
  | { changed: false; reason: string };

const unchanged = (reason: string): Transition => ({ changed: false, reason });

/**
 * Sources that do not speak for the person (a list, a sync, a staff member):
 * they cannot override that person's STOP. Only the person's own new act can.
 */
const CANNOT_OVERRIDE_OPT_OUT: ReadonlySet<ConsentSource> = new Set(["import", "shopify_sync", "admin"]);

export function transition(from: SubscriberStatus | null, action: ConsentAction, source?: ConsentSource): Transition {
  if (from === "unsubscribed" && (action === "opt_in" || action === "request_opt_in") && source && CANNOT_OVERRIDE_OPT_OUT.has(source)) {
    return unchanged("opted out: only the subscriber can opt in again");
  }
  switch (action) {
    case "request_opt_in":
      if (from === "subscribed") return unchanged("already subscribed");
      if (from === "pending") return unchanged("already waiting for confirmation");
      return { changed: true, to: "pending", kind: "opt_in_requested" };
    case "opt_in":
      if (from === "subscribed") return unchanged("already subscribed");
      return { changed: true, to: "subscribed", kind: from === "unsubscribed" ? "resubscribed" : "opted_in" };
    case "confirm":
      if (from === "pending") return { changed: true, to: "subscribed", kind: "confirmed" };
      return unchanged(from === "subscribed" ? "already subscribed" : "nothing to confirm");
    case "opt_out":
      if (from === "unsubscribed") return unchanged("already unsubscribed");
      return { changed: true, to: "unsubscribed", kind: "opted_out" };
    case "carrier_opt_out":
      if (from === "unsubscribed") return unchanged("already unsubscribed");
      return { changed: true, to: "unsubscribed", kind: "carrier_opt_out" };
    case "expire":
      if (from !== "pending") return unchanged("only a pending request can expire");
      return { changed: true, to: "expired", kind: "expired" };
  }
}

export const REVOKED_SINCE = "opted out after this consent was given";

/**
 * A consent given before the number's latest opt-out is revoked by it: it can
 * never re-subscribe the number, however late it arrives (a checkout webhook
 * delivered after the subscriber's STOP). Only a consent given after can.
 */
export function predatesOptOut(action: ConsentAction, givenAt: Date, unsubscribedAt: Date | null): boolean {
  return (action === "opt_in" || action === "request_opt_in") && unsubscribedAt !== null && givenAt < unsubscribedAt;
}

/** The action behind each kind of event: replaying a subscriber's events through `transition` rebuilds their status. */
export const ACTION_OF_EVENT_KIND: Record<ConsentEventKind, ConsentAction> = {
  opt_in_requested: "request_opt_in",
  opted_in: "opt_in",
  resubscribed: "opt_in",
  confirmed: "confirm",
  opted_out: "opt_out",
  carrier_opt_out: "carrier_opt_out",
  expired: "expire",
};
