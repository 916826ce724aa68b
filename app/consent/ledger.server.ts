/**
 * The consent ledger: append-only, hash-chained per shop.
 *
 * Each event's hash covers the previous event's hash and everything that makes
 * the event what it is. Personal data (phone, evidence such as IP or message
 * text) enters the chain only through `evidenceDigest` = sha256(salt, phone,
 * evidence), so a lawful redaction can erase the personal data and the salt
 * while the chain still verifies; the event is then reported as redacted, not
 * as tampered.
 *
 * Concurrency: appending increments the shop's ConsentChainHead row first, in
 * the caller's transaction. That row lock (PostgreSQL) or the write lock
 * (SQLite) serialises appends per shop, so two app instances can never both
 * write seq N; appends for different shops do not wait for each other on
 * PostgreSQL. Each append is O(1): no scan of earlier events.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ConsentEvent } from "@prisma/client";
import prisma, { sqlOf, type DbTx } from "../db.server";
import { readInt, type Sql, type SqlRow, type SqlStatement } from "../db/sql.server";
import type { ConsentEventKind, ConsentSource, SubscriberStatus } from "./transitions";

export const GENESIS_HASH = "0".repeat(64);

export type Evidence = Record<string, string | number | boolean | null>;

export interface NewConsentEvent {
  subscriberId: string;
  phone: string;
  kind: ConsentEventKind;
  source: ConsentSource;
  fromStatus: SubscriberStatus | null;
  toStatus: SubscriberStatus;
  occurredAt: Date;
  evidence: Evidence;
}

/** JSON with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function evidenceDigestOf(salt: string, phone: string, evidence: string): string {
  return sha256(canonicalJson({ salt, phone, evidence }));
}

type HashedFields = Pick<
  ConsentEvent,
  "shop" | "seq" | "subscriberId" | "kind" | "source" | "fromStatus" | "toStatus" | "occurredAt" | "evidenceDigest" | "prevHash"
>;

export function eventHashOf(event: HashedFields): string {
  return sha256(
    canonicalJson({
      shop: event.shop,
      seq: event.seq,
      subscriberId: event.subscriberId,
      kind: event.kind,
      source: event.source,
      fromStatus: event.fromStatus,
      toStatus: event.toStatus,
      occurredAt: event.occurredAt.toISOString(),
      evidenceDigest: event.evidenceDigest,
      prevHash: event.prevHash,
    }),
  );
}

/** The shop's chain as of its last event (seq 0 and the genesis hash for an empty chain). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Serialises consent changes per shop: locks the shop's chain head row (which
 * every append locks anyway), creating it as the empty chain if the shop has
 * none yet, and returns it. The no-op update is what takes the row lock on
 * PostgreSQL; on SQLite any write takes the database's write lock.
 */
export async function lockConsentChain(tx: DbTx | Sql, shop: string): Promise<ChainHead> {
  const sql = sqlOf(tx);
  const held = sql.heldLocks?.get(chainLockKey(shop)) as ChainHead | undefined;
  if (held) return held; // taken earlier in this transaction (a group), and kept current by every append since
  const { sql: text, params } = consentChainLockStatement(shop);
  return lockedConsentChain(sql, shop, await sql.all(text, params));
}

/** The statement of lockConsentChain, for a caller that sends it with others (Sql.allInOrder); then lockedConsentChain. */
export function consentChainLockStatement(shop: string): SqlStatement {
  return {
    sql: `INSERT INTO "ConsentChainHead" ("shop", "seq", "hash") VALUES (?, 0, ?)
     ON CONFLICT ("shop") DO UPDATE SET "seq" = "ConsentChainHead"."seq"
     RETURNING "seq", "hash"`,
    params: [shop, GENESIS_HASH],
  };
}

/** The head that consentChainLockStatement returned, now held by this transaction. */
export function lockedConsentChain(sql: Sql, shop: string, rows: readonly SqlRow[]): ChainHead {
  const [head] = rows;
  const locked = { seq: readInt(head!.seq), hash: String(head!.hash) };
  sql.heldLocks?.set(chainLockKey(shop), locked);
  return locked;
}

const chainLockKey = (shop: string) => `consent-chain:${shop}`;

/** True when this transaction already holds the shop's chain lock: what it reads now, nobody else can change before it commits. */
export function holdsConsentChain(sql: Sql, shop: string): boolean {
  return sql.exclusive || (sql.heldLocks?.has(chainLockKey(shop)) ?? false);
}

/**
 * Appends one event. Must run inside the transaction that changes the
 * subscriber. `locked` is the head lockConsentChain returned in this same
 * transaction, if the caller took the lock: it saves re-reading the head, and
 * is advanced to the new event.
 */
export async function appendConsentEvent(tx: DbTx | Sql, shop: string, event: NewConsentEvent, locked?: ChainHead): Promise<ConsentEvent> {
  const sql = sqlOf(tx);
  const head = locked ?? (await claimNextSeq(sql, shop));
  const evidence = canonicalJson(event.evidence);
  const evidenceSalt = randomBytes(16).toString("hex");
  const fields: HashedFields = {
    shop,
    seq: locked ? locked.seq + 1 : head.seq,
    subscriberId: event.subscriberId,
    kind: event.kind,
    source: event.source,
    fromStatus: event.fromStatus,
    toStatus: event.toStatus,
    occurredAt: event.occurredAt,
    evidenceDigest: evidenceDigestOf(evidenceSalt, event.phone, evidence),
    prevHash: head.hash,
  };
  const created: ConsentEvent = {
    ...fields,
    id: randomUUID(),
    phone: event.phone,
    evidence,
    evidenceSalt,
    recordedAt: new Date(),
    redactedAt: null,
    hash: eventHashOf(fields),
  };
  // Deferred: sent with the other writes of this change in one round trip where the database allows (see Sql.defer).
  await sql.defer(
    `INSERT INTO "ConsentEvent" ("id", "shop", "seq", "subscriberId", "phone", "kind", "source", "fromStatus", "toStatus",
       "occurredAt", "recordedAt", "evidence", "evidenceSalt", "evidenceDigest", "redactedAt", "prevHash", "hash")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
    [
      created.id, created.shop, created.seq, created.subscriberId, created.phone, created.kind, created.source, created.fromStatus,
      created.toStatus, created.occurredAt, created.recordedAt, created.evidence, created.evidenceSalt, created.evidenceDigest,
      created.prevHash, created.hash,
    ],
  );
  // Only the last of a transaction's head updates matters: a waiting earlier one (a group's batch) is replaced.
  await sql.defer(`UPDATE "ConsentChainHead" SET "seq" = ?, "hash" = ? WHERE "shop" = ?`, [created.seq, created.hash, shop], {
    replaces: chainLockKey(shop),
  });
  if (locked) Object.assign(locked, { seq: created.seq, hash: created.hash });
  // Keep the transaction's view of the head current, whichever way the lock was taken.
  const held = sql.heldLocks?.get(chainLockKey(shop)) as ChainHead | undefined;
  if (held) Object.assign(held, { seq: created.seq, hash: created.hash });
  else sql.heldLocks?.set(chainLockKey(shop), { seq: created.seq, hash: created.hash });
  return created;
}

/** Without the lock taken first: claims the next seq and reads the previous hash in one statement, locking the head row. */
async function claimNextSeq(sql: Sql, shop: string): Promise<ChainHead> {
  const [head] = await sql.all(
    `INSERT INTO "ConsentChainHead" ("shop", "seq", "hash") VALUES (?, 1, ?)
     ON CONFLICT ("shop") DO UPDATE SET "seq" = "ConsentChainHead"."seq" + 1
     RETURNING "seq", "hash"`,
    [shop, GENESIS_HASH],
  );
  return { seq: readInt(head!.seq), hash: String(head!.hash) };
}

export type ChainVerification =
  | { ok: true; events: number; redacted: number }
  | { ok: false; events: number; brokenAt: number; reason: string };

/** Walks a shop's whole chain in order and reports the first broken link. */
export async function verifyConsentChain(shop: string, batchSize = 1000): Promise<ChainVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let redacted = 0;
  for (;;) {
    const batch = await prisma.consentEvent.findMany({
      where: { shop, seq: { gte: expectedSeq } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    for (const event of batch) {
      const broken = (reason: string): ChainVerification => ({ ok: false, events: expectedSeq - 1, brokenAt: event.seq, reason });
      if (event.seq !== expectedSeq) return broken(`event ${expectedSeq} is missing`);
      if (event.prevHash !== prevHash) return broken("does not link to the previous event");
      if (eventHashOf(event) !== event.hash) return broken("content does not match its hash");
      if (event.redactedAt) redacted += 1;
      else if (!event.evidenceSalt || evidenceDigestOf(event.evidenceSalt, event.phone, event.evidence) !== event.evidenceDigest) {
        return broken("phone or evidence was changed");
      }
      prevHash = event.hash;
      expectedSeq += 1;
    }
    if (batch.length < batchSize) break;
  }
  const head = await prisma.consentChainHead.findUnique({ where: { shop } });
  const events = expectedSeq - 1;
  if ((head?.seq ?? 0) !== events || (head?.hash ?? GENESIS_HASH) !== prevHash) {
    return { ok: false, events, brokenAt: expectedSeq, reason: "events after this point were deleted" };
  }
  return { ok: true, events, redacted };
}
