/**
 * What Twilio's answers mean while a merchant sets up, in their words: a
 * failed connection check or test text, and what to do about it. Pure; the
 * meanings of delivery failures are delivery-status.ts's, reused here.
 */
import { twilioErrorMeaning } from "~/messaging/delivery-status";

interface Failure {
  errorCode: number | null;
  httpStatus: number | null;
  message: string;
}

/** Codes a set-up step meets, with what the merchant should do. */
const SETUP_MEANINGS: ReadonlyMap<number, string> = new Map([
  [20003, "Twilio refused the account SID and auth token. Copy both again from the Twilio console (Account info); a token changes when it is rotated."],
  [20404, "Twilio has no such resource in this account. Check the SID belongs to the account you entered."],
  [20429, "Twilio is rate limiting this account right now. Try again in a minute."],
  [21211, "Twilio says this is not a valid phone number. Enter it with its country code, e.g. +1 415 555 0123."],
  [21212, "Your sender number is not one Twilio can send from. Enter the Twilio number exactly as the console shows it."],
  [21266, "The test text would go to your own sender number. Enter your mobile phone instead."],
  [21408, "Texting this country is not enabled on your Twilio account. Turn it on under Messaging → Settings → Geo permissions in the Twilio console."],
  [21606, "Your sender number cannot send texts to this number (it may lack SMS, or belong to another account). Check the number's capabilities in the Twilio console."],
  [21608, "Your Twilio account is a trial: it can text only numbers you verified in the console. Verify your phone there, or upgrade the account."],
  [21610, "This phone texted STOP to your Twilio number, so Twilio blocks texts to it. Text START to your Twilio number from it, then try again."],
  [21611, "Your sender number's queue is full (about 10 hours of texts wait in it). Try again later."],
  [21612, "Twilio cannot route a text from your sender to this number. Check the number, or use a sender that can reach it."],
  [21614, "Twilio says this number is not a mobile phone and cannot receive texts. Use a mobile number."],
  [21617, "The text is too long for Twilio (over 1,600 characters)."],
  [21701, "Twilio does not know this Messaging Service SID. Copy it again from the Twilio console (Messaging → Services)."],
  [30007, "The carrier filtered the text as spam or unregistered traffic. Register your sender (10DLC or toll-free verification) in the Twilio console."],
  [30034, "The carrier blocked the text because your 10DLC number is not registered to a campaign. Finish 10DLC registration in the Twilio console."],
]);

export function describeTwilioFailure(failure: Failure): string {
  if (failure.errorCode !== null) {
    const meaning = SETUP_MEANINGS.get(failure.errorCode);
    if (meaning) return `${meaning} (Twilio error ${failure.errorCode})`;
    if (failure.errorCode >= 30000) return `${twilioErrorMeaning(failure.errorCode)} (Twilio error ${failure.errorCode}).`;
    return `Twilio refused it: ${failure.message} (Twilio error ${failure.errorCode}).`;
  }
  if (failure.httpStatus === 401) return SETUP_MEANINGS.get(20003)!;
  if (failure.httpStatus === null) return `Twilio could not be reached (${failure.message}). Check this server's internet connection and try again.`;
  if (failure.httpStatus >= 500) return `Twilio had a problem of its own (HTTP ${failure.httpStatus}). Try again in a few minutes.`;
  return `Twilio refused it: ${failure.message} (HTTP ${failure.httpStatus}).`;
}
