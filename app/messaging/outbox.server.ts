/**
 * The outbox: every text the app sends is a Message row first, and a worker
 * dispatches due rows. Dispatch re-checks consent for every marketing text at
 * the moment of sending (the number may have texted STOP since it was queued),
 * so no code path can text a number that is not subscribed right now.
 *
 * Claiming is a conditional update (status queued → sending) per row, so any
 * number of workers on one database never send the same row twice. A row
 * Twilio accepted stays "sending" (with its MessageSid) until Twilio's status
 * callbacks move it on (delivery-status.server.ts).
 */
import type { Message, Shop } from "@prisma/client";
import type twilio from "twilio";
import prisma, { type DbTx } from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { mayTextMarketing } from "../consent/suppression.server";
import { twilioAuthTokenOf } from "../shops/shop-settings.server";
import { countSegments } from "./segments";
import { statusCallbackUrlFor } from "./delivery-status.server";
import type { MessageStatus } from "./message-status";
import { createTwilioClient, sendSms, type SendSmsFailure } from "./twilio-client.server";

export const MESSAGE_KINDS = ["marketing", "transactional", "compliance"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MAX_ATTEMPTS = 5;
const CLAIM_LEASE_MS = 2 * 60_000;

export interface EnqueueInput {
  phone: string;
  body: string;
  kind: MessageKind;
  subscriberId?: string | null;
  campaignId?: string | null;
  sendAt?: Date;
}

/** Queues a text; pass `tx` to queue it in the same transaction as the change that caused it. */
export function enqueueMessage(shop: string, input: EnqueueInput, tx: DbTx): Promise<Message> {
  return tx.message.create({
    data: {
      shop,
      phone: input.phone,
      body: input.body,
      kind: input.kind,
      subscriberId: input.subscriberId ?? null,
      campaignId: input.campaignId ?? null,
      nextAttemptAt: input.sendAt ?? new Date(),
      segments: countSegments(input.body).segments,
    },
  });
}

/** Exponential backoff for retryable failures: 30 s, 1 min, 2 min, 4 min… capped at 1 hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
}

export interface DispatchReport {
  claimed: number;
  accepted: number;
  suppressed: number;
  retried: number;
  failed: number;
}

const QUEUED: MessageStatus = "queued";
const SENDING: MessageStatus = "sending";

async function claimDue(now: Date, limit: number): Promise<Message[]> {
  const due = await prisma.message.findMany({
    where: {
      OR: [
        { status: QUEUED, nextAttemptAt: { lte: now } },
        // A worker that died mid-send left its lease behind: take the row back. (A row
        // Twilio accepted has no lease, so it is never sent again.)
        { status: SENDING, lockedUntil: { lt: now } },
      ],
    },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
    select: { id: true, status: true },
  });
  const claimed: Message[] = [];
  for (const row of due) {
    const { count } = await prisma.message.updateMany({
      where: { id: row.id, status: row.status, ...(row.status === SENDING ? { lockedUntil: { lt: now } } : {}) },
      data: { status: SENDING, lockedUntil: new Date(now.getTime() + CLAIM_LEASE_MS), attempts: { increment: 1 } },
    });
    if (count === 1) claimed.push(await prisma.message.findUniqueOrThrow({ where: { id: row.id } }));
  }
  return claimed;
}

const clients = new Map<string, { key: string; client: twilio.Twilio }>();

function clientFor(settings: Shop): twilio.Twilio | null {
  const authToken = twilioAuthTokenOf(settings);
  if (!settings.twilioAccountSid || !authToken) return null;
  const key = `${settings.twilioAccountSid}:${authToken}:${process.env.TWILIO_API_BASE_URL ?? ""}`;
  const cached = clients.get(settings.shop);
  if (cached?.key === key) return cached.client;
  const client = createTwilioClient({ accountSid: settings.twilioAccountSid, authToken }, { apiBaseUrl: process.env.TWILIO_API_BASE_URL });
  clients.set(settings.shop, { key, client });
  return client;
}

/** What a worker records when it is done with a claimed row: always a status the callbacks can rank. */
type Outcome = Omit<Partial<Message>, "status"> & { status: MessageStatus };

/**
 * Ends this worker's claim. Conditional on the claim (status and attempt), so a
 * worker whose lease ran out and was taken over never overwrites the newer claim.
 */
async function finish(message: Message, outcome: Outcome) {
  const { count } = await prisma.message.updateMany({
    where: { id: message.id, status: SENDING, attempts: message.attempts },
    data: { ...outcome, lockedUntil: null },
  });
  if (count === 0) console.warn(`outbox: message ${message.id} was claimed again before attempt ${message.attempts} finished; its outcome (${outcome.status}) is not recorded`);
}

/**
 * Twilio has the text: it stays "sending" with its MessageSid until Twilio's
 * callbacks move it on. A quick callback can get here first (it finds the row
 * by the id in its URL, records the MessageSid and moves the status on); then
 * only this worker's lease is left to release.
 */
async function recordAccepted(message: Message, twilioSid: string, now: Date) {
  const { count } = await prisma.message.updateMany({
    where: { id: message.id, status: SENDING, attempts: message.attempts, twilioSid: null },
    data: { twilioSid, sentAt: now, errorCode: null, errorMessage: null, lockedUntil: null },
  });
  if (count === 0) await prisma.message.updateMany({ where: { id: message.id, twilioSid }, data: { lockedUntil: null } });
}

async function handleFailure(message: Message, failure: SendSmsFailure, now: Date): Promise<"retried" | "failed"> {
  if (failure.errorCode === 21610) {
    // Twilio has this number blocked because its owner texted STOP: that is a revocation.
    await applyConsentChange({
      shop: message.shop,
      phone: message.phone,
      action: "carrier_opt_out",
      source: "carrier",
      occurredAt: now,
      evidence: { errorCode: 21610, messageId: message.id },
    });
  }
  if (failure.retryable && message.attempts < MAX_ATTEMPTS) {
    await finish(message, {
      status: "queued",
      nextAttemptAt: new Date(now.getTime() + retryDelayMs(message.attempts)),
      errorCode: failure.errorCode,
      errorMessage: failure.message,
    });
    return "retried";
  }
  await finish(message, { status: "failed", errorCode: failure.errorCode, errorMessage: failure.message });
  return "failed";
}

export async function dispatchDueMessages(options: { now?: Date; limit?: number } = {}): Promise<DispatchReport> {
  const now = options.now ?? new Date();
  const report: DispatchReport = { claimed: 0, accepted: 0, suppressed: 0, retried: 0, failed: 0 };
  const claimed = await claimDue(now, options.limit ?? 100);
  report.claimed = claimed.length;

  for (const message of claimed) {
    if (message.kind === "marketing") {
      const permission = await mayTextMarketing(message.shop, message.phone, prisma, now);
      if (!permission.allowed) {
        await finish(message, { status: "suppressed", errorMessage: `not sent: ${permission.reason}` });
        report.suppressed += 1;
        continue;
      }
    }
    const settings = await prisma.shop.findUnique({ where: { shop: message.shop } });
    const client = settings && !settings.uninstalledAt ? clientFor(settings) : null;
    if (!settings || !client) {
      await finish(message, { status: "failed", errorMessage: "Twilio is not set up for this shop (account SID and auth token)." });
      report.failed += 1;
      continue;
    }
    const result = await sendSms(client, {
      to: message.phone,
      body: message.body,
      from: settings.messagingServiceSid ? null : settings.senderPhoneNumber,
      messagingServiceSid: settings.messagingServiceSid,
      statusCallback: statusCallbackUrlFor(message.id),
    });
    if (result.ok) {
      await recordAccepted(message, result.sid, now);
      report.accepted += 1;
    } else {
      report[await handleFailure(message, result, now)] += 1;
    }
  }
  return report;
}
