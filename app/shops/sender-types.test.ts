import { describe, expect, it } from "vitest";
import { DEFAULT_MESSAGES_PER_SECOND, messagesPerSecondFor, readSenderType, SENDER_TYPES } from "./sender-types";

describe("sender types", () => {
  it("paces each sender type at Twilio's default when the shop sets no rate", () => {
    expect(messagesPerSecondFor({ senderType: "long_code", maxMessagesPerSecond: null })).toBe(1);
    expect(messagesPerSecondFor({ senderType: "toll_free", maxMessagesPerSecond: null })).toBe(3);
    expect(messagesPerSecondFor({ senderType: "short_code", maxMessagesPerSecond: null })).toBe(100);
    expect(messagesPerSecondFor({ senderType: "messaging_service", maxMessagesPerSecond: null })).toBe(1);
  });

  it("uses the shop's own rate when it set one", () => {
    expect(messagesPerSecondFor({ senderType: "short_code", maxMessagesPerSecond: 30 })).toBe(30);
  });

  it("reads a value no version wrote as the slowest sender, a long code", () => {
    expect(readSenderType("carrier_pigeon")).toBe("long_code");
    expect(Object.keys(DEFAULT_MESSAGES_PER_SECOND).sort()).toEqual([...SENDER_TYPES].sort());
  });
});
