/**
 * The PostgreSQL baseline: bare node:http + pg doing the one write the webhook
 * must do (insert the InboundMessage row, same schema and indexes) and
 * answering with fixed TwiML. Same durability as the app: synchronous_commit
 * on (the server's default, set again here), one transaction (the single
 * INSERT) per request, as many connections as the app's pool
 * (DATABASE_POOL_SIZE, default 10). No framework, no signature check, no
 * classification, no consent change.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { migrate } from "../../app/db/migrator";

const databaseUrl = process.env.DATABASE_URL!;
await migrate(databaseUrl);
const pool = new pg.Pool({
  connectionString: databaseUrl,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  options: "-c synchronous_commit=on",
});
const INSERT = {
  name: "bench-insert-inbound",
  text: `INSERT INTO "InboundMessage" ("messageSid", "shop", "fromPhone", "toPhone", "body", "intent", "subscriberId", "replyTwiml", "receivedAt")
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)`,
};
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const params = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    pool
      .query({
        ...INSERT,
        values: [params.get("MessageSid"), "bench-shop.myshopify.com", params.get("From"), params.get("To"), params.get("Body") ?? "", "other", TWIML, new Date()],
      })
      .then(
        () => res.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" }).end(TWIML),
        (error: Error) => res.writeHead(500).end(error.message),
      );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => process.send!({ ready: true, port: (server.address() as AddressInfo).port }));

process.on("message", (message: { stop?: boolean; cpu?: boolean }) => {
  if (message.cpu) process.send!({ cpu: process.cpuUsage() });
  if (!message.stop) return;
  server.closeAllConnections();
  server.close(() => void pool.end().then(() => process.exit(0)));
});
