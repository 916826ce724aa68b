/**
 * The baseline: bare node:http + better-sqlite3 doing the one write the
 * webhook must do (insert the InboundMessage row, same schema and indexes,
 * same journal and sync settings, timestamps stored as Prisma stores them) and
 * answering with fixed TwiML. No framework, no signature check, no
 * classification, no consent change, and one commit (one disk sync) per
 * request, where the app groups the commits of texts that arrive together.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import { sqliteFilePath } from "../../app/db/database-url";
import { migrate } from "../../app/db/migrator";

const databaseUrl = process.env.DATABASE_URL!;
await migrate(databaseUrl);
const db = new Database(sqliteFilePath(databaseUrl));
db.pragma("synchronous = FULL"); // as the app's connection: each answer waits for its write to reach the disk
const insert = db.prepare(
  `INSERT INTO "InboundMessage" (messageSid, shop, fromPhone, toPhone, body, intent, subscriberId, replyTwiml, receivedAt)
   VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
);
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const params = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    try {
      insert.run(params.get("MessageSid"), "bench-shop.myshopify.com", params.get("From"), params.get("To"), params.get("Body") ?? "", "other", TWIML, new Date().toISOString().replace("Z", "+00:00"));
      res.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" }).end(TWIML);
    } catch (error) {
      res.writeHead(500).end((error as Error).message);
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => process.send!({ ready: true, port: (server.address() as AddressInfo).port }));

process.on("message", (message: { stop?: boolean; cpu?: boolean }) => {
  if (message.cpu) process.send!({ cpu: process.cpuUsage() });
  if (!message.stop) return;
  server.closeAllConnections();
  server.close(() => {
    db.close();
    process.exit(0);
  });
});
