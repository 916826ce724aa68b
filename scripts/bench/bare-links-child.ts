/**
 * The baseline for scripts/bench-links.ts: bare node:http doing what a click
 * on a tracked link must do, on the same database as the app: one lookup of
 * the link by its code (the same unique index), one INSERT of the click, a
 * 302. No framework, no bot check, no expiry page, no group commit: one
 * commit (and disk sync) per click, with the app's durability (SQLite:
 * synchronous=FULL; PostgreSQL: synchronous_commit on, a pool as large as the
 * app's).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import pg from "pg";
import { providerOf, sqliteFilePath } from "../../app/db/database-url";
import { migrate } from "../../app/db/migrator";

const databaseUrl = process.env.DATABASE_URL!;
await migrate(databaseUrl);

type Link = { id: string; shop: string; campaignId: string | null; subscriberId: string | null; url: string };
type Click = (code: string) => Promise<string | null>;

function sqliteClick(): { click: Click; close: () => Promise<void> } {
  const db = new Database(sqliteFilePath(databaseUrl));
  db.pragma("synchronous = FULL");
  const find = db.prepare(`SELECT "id", "shop", "campaignId", "subscriberId", "url" FROM "TrackedLink" WHERE "code" = ?`);
  const insert = db.prepare(`INSERT INTO "LinkClick" ("id", "shop", "linkId", "campaignId", "subscriberId", "clickedAt") VALUES (?, ?, ?, ?, ?, ?)`);
  return {
    click: async (code) => {
      const link = find.get(code) as Link | undefined;
      if (!link) return null;
      insert.run(randomUUID(), link.shop, link.id, link.campaignId, link.subscriberId, new Date().toISOString().replace("Z", "+00:00"));
      return link.url;
    },
    close: async () => void db.close(),
  };
}

function postgresClick(): { click: Click; close: () => Promise<void> } {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(process.env.DATABASE_POOL_SIZE ?? 10), options: "-c synchronous_commit=on" });
  return {
    click: async (code) => {
      const { rows } = await pool.query<Link>({
        name: "bench-find-link",
        text: `SELECT "id", "shop", "campaignId", "subscriberId", "url" FROM "TrackedLink" WHERE "code" = $1`,
        values: [code],
      });
      const link = rows[0];
      if (!link) return null;
      await pool.query({
        name: "bench-insert-click",
        text: `INSERT INTO "LinkClick" ("id", "shop", "linkId", "campaignId", "subscriberId", "clickedAt") VALUES ($1, $2, $3, $4, $5, $6)`,
        values: [randomUUID(), link.shop, link.id, link.campaignId, link.subscriberId, new Date().toISOString().replace("Z", "")],
      });
      return link.url;
    },
    close: () => pool.end(),
  };
}

const { click, close } = providerOf(databaseUrl) === "sqlite" ? sqliteClick() : postgresClick();

const server = http.createServer((req, res) => {
  const code = (req.url ?? "").slice("/l/".length);
  click(code).then(
    (url) => (url ? res.writeHead(302, { Location: url, "Content-Length": "0" }).end() : res.writeHead(404).end()),
    (error: Error) => res.writeHead(500).end(error.message),
  );
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => process.send!({ ready: true, port: (server.address() as AddressInfo).port }));

process.on("message", (message: { stop?: boolean; cpu?: boolean }) => {
  if (message.cpu) process.send!({ cpu: process.cpuUsage() });
  if (!message.stop) return;
  server.closeAllConnections();
  server.close(() => void close().then(() => process.exit(0)));
});
