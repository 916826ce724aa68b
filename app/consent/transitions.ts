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
 * the revocation must hold against any later import or sync.
 */
export const SUBSCRIBER_STATUSES = ["pending", "subscribed", "unsubscribed", "expired"] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export const CONSENT_SOURCES = ["checkout", "keyword", "form", "import", "admin", "carrier", "shopify_sync"] as const;
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

export function transition(from: SubscriberStatus | null, action: ConsentAction): Transition {
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

/** The one rule every sender obeys: marketing only to a currently subscribed, reachable number. */
export function mayReceiveMarketing(subscriber: { status: string; unreachableAt: Date | null } | null): boolean {
  return subscriber !== null && subscriber.status === "subscribed" && subscriber.unreachableAt === null;
}
