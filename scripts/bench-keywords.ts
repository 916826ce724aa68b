/**
 * `npm run bench:keywords [-- --seconds 3 --warmup 1]`
 *
 * How fast the inbound keyword classifier is, over a corpus of the kinds of
 * replies subscribers send (keywords, free text, other languages and scripts,
 * invisible characters, long customer-service questions). Prints the
 * throughput of the whole corpus in a loop and the p50 / p99 / max time of one
 * classification. Timing lives here and not in the unit tests, where a busy
 * machine would make it flake.
 */
import { parseArgs } from "node:util";
import { classifyInbound } from "../app/consent/keywords";

const CORPUS: readonly string[] = [
  "STOP", "stop", "Stop please", "STOP!!!", "yes", "Y", "HELP", "info", "🛑", "s\u200btop", "ＳＴＯＰ", "\ufeffSTOP",
  "please stop texting me", "Don't stop sending me coupons!", "When does the sale end?", "what time does it end",
  "quit smoking", "cancel my account on your website", "How do I cancel my order?", "I withdraw my consent to receive texts",
  "who's texting me?", "Hi. Who is this? Why am I getting these?", "sign me back up", "I want your texts again",
  "no más mensajes por favor", "Ich möchte mich abmelden", "ARRÊT", "停止", "请停止发送短信", "TIGIL na po", "DỪNG",
  "hủy đăng ký", "توقف", "수신거부", "문자 그만 보내세요", "ОТПИСАТЬСЯ", "не пишите мне больше",
  "Where is my order? It was supposed to arrive yesterday and I still have nothing, can you check?",
  "Love the new collection!! Do you have the linen shirt in size M, and when does the free shipping offer end?",
];

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "3" }, warmup: { type: "string", default: "1" } },
});
const seconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
if (!(seconds > 0) || !(warmupSeconds >= 0)) throw new Error("--seconds must be > 0 and --warmup >= 0");

/** Runs the corpus round after round for `forSeconds`; returns each classification's duration in ns. */
function run(forSeconds: number): bigint[] {
  const durations: bigint[] = [];
  const until = process.hrtime.bigint() + BigInt(Math.round(forSeconds * 1e9));
  while (process.hrtime.bigint() < until) {
    for (const body of CORPUS) {
      const started = process.hrtime.bigint();
      classifyInbound(body);
      durations.push(process.hrtime.bigint() - started);
    }
  }
  return durations;
}

function percentile(sorted: readonly bigint[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!) / 1000;
}

run(warmupSeconds);
const durations = run(seconds);
const sorted = [...durations].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const totalNs = durations.reduce((sum, d) => sum + d, 0n);

const micros = (value: number) => `${value.toFixed(1)} µs`;
console.log(`classifyInbound over ${CORPUS.length} messages, ${durations.length.toLocaleString("en-US")} classifications in ${seconds} s`);
console.log(`  throughput  ${Math.round(durations.length / (Number(totalNs) / 1e9)).toLocaleString("en-US")} classifications/s (time inside the call)`);
console.log(`  mean        ${micros(Number(totalNs) / durations.length / 1000)}`);
console.log(`  p50         ${micros(percentile(sorted, 50))}`);
console.log(`  p99         ${micros(percentile(sorted, 99))}`);
console.log(`  max         ${micros(percentile(sorted, 100))}`);
