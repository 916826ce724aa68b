/** Who answers the standard single-word keywords (STOP, HELP, START…) for a shop's number. */
export const KEYWORD_MODES = ["twilio_default", "twilio_advanced_opt_out", "app"] as const;
export type KeywordMode = (typeof KEYWORD_MODES)[number];
