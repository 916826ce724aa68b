/** Consent events as the figures count them (kinds from app/consent/transitions.ts). */

/** Events that make a number subscribed: a single opt-in, a confirmed double opt-in, a return after STOP. */
export const OPT_IN_KINDS = ["opted_in", "confirmed", "resubscribed"] as const;
/** Opt-outs: STOP to the shop's number, or an opt-out the carrier reported (Twilio 21610). */
export const OPT_OUT_KINDS = ["opted_out", "carrier_opt_out"] as const;
