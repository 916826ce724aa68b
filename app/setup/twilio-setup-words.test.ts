import { describe, expect, it } from "vitest";
import { describeTwilioFailure } from "./twilio-setup-words";

describe("Twilio failures in a merchant's words", () => {
  it("says what a set-up code means and what to do, with the code", () => {
    expect(describeTwilioFailure({ errorCode: 21608, httpStatus: 400, message: "unverified" })).toBe(
      "Your Twilio account is a trial: it can text only numbers you verified in the console. Verify your phone there, or upgrade the account. (Twilio error 21608)",
    );
    expect(describeTwilioFailure({ errorCode: 20003, httpStatus: 401, message: "Authenticate" })).toContain("Copy both again");
  });

  it("delivery codes reuse the campaign results' meanings; unknown codes quote Twilio", () => {
    expect(describeTwilioFailure({ errorCode: 30005, httpStatus: 400, message: "x" })).toBe("Unknown or inactive number (Twilio error 30005).");
    expect(describeTwilioFailure({ errorCode: 21999, httpStatus: 400, message: "Something odd" })).toBe("Twilio refused it: Something odd (Twilio error 21999).");
  });

  it("no code: by HTTP status, or no answer at all", () => {
    expect(describeTwilioFailure({ errorCode: null, httpStatus: 401, message: "" })).toContain("Twilio refused the account SID and auth token");
    expect(describeTwilioFailure({ errorCode: null, httpStatus: 503, message: "" })).toBe("Twilio had a problem of its own (HTTP 503). Try again in a few minutes.");
    expect(describeTwilioFailure({ errorCode: null, httpStatus: null, message: "ECONNREFUSED" })).toContain("Twilio could not be reached (ECONNREFUSED)");
  });
});
