/**
 * The Twilio side of the dispatch benchmark, in a process of its own so the
 * workers do not share its event loop: the app's local Twilio test server
 * (app/messaging/twilio-sandbox.server.ts) answering every send after
 * BENCH_LATENCY_MS. Status callbacks are delayed past the end of the run (the
 * benchmark measures sending, not the app's callback endpoint), and close()
 * drops them.
 *
 * IPC: {forget} → forgets the sends so far (the warm-up's), then {forgotten}.
 * {stats} → what the server counted: sends per second of arrival (the
 * throughput limit must hold in each), and duplicates by recipient and by
 * outbox row (the message id in the status-callback URL).
 */
import { startTwilioSandbox } from "../../app/messaging/twilio-sandbox.server";
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, BENCH_SENDER } from "./campaign-bench-seed";

const sandbox = await startTwilioSandbox({
  accounts: [{ accountSid: BENCH_ACCOUNT_SID, authToken: BENCH_AUTH_TOKEN }],
  responseDelayMs: Number(process.env.BENCH_LATENCY_MS),
  statusCallbackDelayMs: 24 * 60 * 60_000,
  log: () => {},
});

export interface TwilioServerStats {
  accepted: number;
  rejected: number;
  perSecond: number[];
  maxPerSecond: number;
  /** The most sends that arrived within any 1,000 ms, wherever the window starts. */
  maxInAnyWindow: number;
  duplicateRecipients: number;
  duplicateRows: number;
  firstAt: number | null;
  lastAt: number | null;
}

function duplicates(keys: string[]): number {
  const seen = new Set<string>();
  let count = 0;
  for (const key of keys) {
    if (seen.has(key)) count += 1;
    else seen.add(key);
  }
  return count;
}

function stats(): TwilioServerStats {
  const seconds = sandbox.acceptedPerSecond(BENCH_SENDER);
  const arrivals = sandbox.messages.map((message) => message.receivedAt.getTime()).sort((a, b) => a - b);
  let maxInAnyWindow = 0;
  for (let start = 0, end = 0; end < arrivals.length; end++) {
    while (arrivals[end]! - arrivals[start]! >= 1000) start++;
    maxInAnyWindow = Math.max(maxInAnyWindow, end - start + 1);
  }
  const perSecond = seconds.map((second) => second.messages);
  return {
    accepted: sandbox.messages.length,
    rejected: sandbox.rejected.length,
    perSecond,
    maxPerSecond: Math.max(0, ...perSecond),
    maxInAnyWindow,
    duplicateRecipients: duplicates(sandbox.messages.map((message) => message.to)),
    duplicateRows: duplicates(sandbox.messages.map((message) => new URL(message.statusCallback ?? "http://x/").searchParams.get("message") ?? message.sid)),
    firstAt: arrivals[0] ?? null,
    lastAt: arrivals.at(-1) ?? null,
  };
}

process.send!({ ready: true, url: sandbox.url });
process.on("message", (message: { stats?: boolean; forget?: boolean; stop?: boolean }) => {
  if (message.stats) process.send!({ stats: stats() });
  // The warm-up's sends are not part of the run.
  if (message.forget) {
    sandbox.messages.length = 0;
    sandbox.rejected.length = 0;
    process.send!({ forgotten: true });
  }
  if (message.stop) void sandbox.close().then(() => process.exit(0));
});
