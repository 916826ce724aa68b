/** Why a sending rule held a campaign text back (Message.skipReason), as the merchant reads it. */
export const SKIP_REASON_WORDS: Readonly<Record<string, string>> = {
  daily_cap: "over the daily cap (per 24 hours)",
  monthly_cap: "over the monthly cap",
  smart_sending: "texted recently (smart sending)",
  no_send_window: "no hour the rules allow sending",
};
