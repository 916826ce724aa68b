import { describe, expect, it } from "vitest";
import { planDeliveryUpdate, statusCallbackSchema } from "./delivery-status";
import { MESSAGE_STATUSES, type MessageStatus } from "./message-status";

const message = (status: MessageStatus | "accepted", extra: Partial<{ errorCode: number | null; sentAt: Date | null; deliveredAt: Date | null }> = {}) => ({
  status,
  errorCode: null,
  sentAt: null,
  deliveredAt: null,
  ...extra,
});
const callback = (MessageStatus: string, ErrorCode: number | null = null) => ({ MessageStatus, ErrorCode });

describe("planDeliveryUpdate", () => {
  it("moves forward through queued < sending < sent < final, never back", () => {
    const order = ["queued", "accepted", "sending", "sent", "delivered"];
    const reached = (from: MessageStatus, twilioStatus: string) => planDeliveryUpdate(message(from), callback(twilioStatus))?.status ?? null;
    expect(reached("queued", "queued")).toBe("sending");
    expect(reached("sending", "accepted")).toBeNull();
    expect(reached("sending", "sent")).toBe("sent");
    expect(reached("sent", "sending")).toBeNull();
    expect(reached("sent", "delivered")).toBe("delivered");
    expect(reached("sent", "read")).toBe("delivered");
    for (const twilioStatus of order) expect(reached("delivered", twilioStatus)).toBeNull();
  });

  it("keeps every final status: no failure after delivery, no delivery after failure", () => {
    const finals: MessageStatus[] = ["delivered", "undelivered", "failed", "cancelled", "suppressed"];
    for (const from of finals) {
      for (const twilioStatus of ["delivered", "undelivered", "failed", "canceled", "sent"]) {
        expect(planDeliveryUpdate(message(from), callback(twilioStatus, 30003))).toBeNull();
      }
    }
    expect(MESSAGE_STATUSES).toEqual(expect.arrayContaining(finals));
  });

  it("moves on from every status a worker leaves behind, so no callback after a send is lost", () => {
    // The worker leaves "sending" once Twilio accepts; before November 2026 it wrote "accepted".
    for (const left of ["sending", "accepted"] as const) {
      expect(planDeliveryUpdate(message(left), callback("sent"))?.status).toBe("sent");
      expect(planDeliveryUpdate(message(left), callback("delivered"))?.status).toBe("delivered");
      expect(planDeliveryUpdate(message(left), callback("undelivered", 30005))).toMatchObject({ status: "undelivered", effect: { kind: "undeliverable", permanent: true } });
      expect(planDeliveryUpdate(message(left), callback("failed", 21610))).toMatchObject({ status: "failed", effect: { kind: "carrier_opt_out" } });
      expect(planDeliveryUpdate(message(left), callback("accepted"))).toBeNull();
    }
  });

  it("ignores a status no version of the app wrote, and Twilio statuses named like object properties", () => {
    expect(planDeliveryUpdate(message("sending"), callback("constructor"))).toBeNull();
    expect(planDeliveryUpdate(message("sending"), callback("__proto__"))).toBeNull();
    expect(planDeliveryUpdate({ ...message("sending"), status: "toString" }, callback("delivered"))).toBeNull();
    expect(planDeliveryUpdate({ ...message("sending"), status: "in_flight" }, callback("delivered"))).toBeNull();
  });

  it("ignores statuses it does not know rather than failing on them", () => {
    expect(planDeliveryUpdate(message("sent"), callback("partially_delivered"))).toBeNull();
    expect(planDeliveryUpdate(message("sent"), callback("receiving"))).toBeNull();
    expect(planDeliveryUpdate(message("sent"), callback("DELIVERED"))?.status).toBe("delivered");
  });

  it("sets sentAt once, for anything that reached the carrier, and deliveredAt on delivery", () => {
    expect(planDeliveryUpdate(message("sending"), callback("delivered"))).toMatchObject({ setSentAt: true, setDeliveredAt: true });
    expect(planDeliveryUpdate(message("sending"), callback("undelivered", 30003))).toMatchObject({ setSentAt: true, setDeliveredAt: false });
    expect(planDeliveryUpdate(message("sending"), callback("failed", 30007))).toMatchObject({ setSentAt: false, errorCode: 30007 });
    expect(planDeliveryUpdate(message("sent", { sentAt: new Date() }), callback("delivered"))).toMatchObject({ setSentAt: false });
  });

  it("turns error codes into effects on the number", () => {
    const effect = (status: string, code: number | null) => planDeliveryUpdate(message("sending"), callback(status, code))?.effect;
    expect(effect("failed", 21610)).toEqual({ kind: "carrier_opt_out" });
    expect(effect("undelivered", 30003)).toEqual({ kind: "undeliverable", permanent: false });
    expect(effect("undelivered", 30005)).toEqual({ kind: "undeliverable", permanent: true });
    expect(effect("failed", 30006)).toEqual({ kind: "undeliverable", permanent: true });
    expect(effect("undelivered", 30007)).toEqual({ kind: "none" }); // carrier filtering: the content, not the number
    expect(effect("undelivered", null)).toEqual({ kind: "none" });
    expect(effect("delivered", null)).toEqual({ kind: "delivered" });
    expect(effect("sent", null)).toEqual({ kind: "none" });
  });
});

describe("statusCallbackSchema", () => {
  const sid = `SM${"a".repeat(32)}`;
  it("reads ErrorCode as a number, with empty and 0 meaning none", () => {
    expect(statusCallbackSchema.parse({ MessageSid: sid, MessageStatus: "failed", ErrorCode: "21610" }).ErrorCode).toBe(21610);
    expect(statusCallbackSchema.parse({ MessageSid: sid, MessageStatus: "sent", ErrorCode: "" }).ErrorCode).toBeNull();
    expect(statusCallbackSchema.parse({ MessageSid: sid, MessageStatus: "sent", ErrorCode: "0" }).ErrorCode).toBeNull();
    expect(statusCallbackSchema.parse({ MessageSid: sid, MessageStatus: "sent" }).ErrorCode).toBeNull();
  });

  it("rejects what cannot be a Twilio callback", () => {
    expect(statusCallbackSchema.safeParse({ MessageSid: "SM123", MessageStatus: "sent" }).success).toBe(false);
    expect(statusCallbackSchema.safeParse({ MessageSid: sid, MessageStatus: "" }).success).toBe(false);
    expect(statusCallbackSchema.safeParse({ MessageSid: sid, MessageStatus: "failed", ErrorCode: "abc" }).success).toBe(false);
    expect(statusCallbackSchema.safeParse({ MessageSid: sid, MessageStatus: "failed", ErrorCode: "99999999999" }).success).toBe(false);
  });
});
