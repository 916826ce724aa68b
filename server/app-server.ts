/**
 * Serves the built Remix app (build/server) over HTTP: the hot webhooks the
 * build names (app/http/node-routes.server.ts) straight from node:http, static
 * assets with long cache lifetimes, everything else through Remix. Used by `npm start`,
 * `npm run demo`, the benchmarks and the browser tests.
 */
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { AddressInfo } from "node:net";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { bodyLimitFor, limitRequestBody, wasRefusedAsTooLarge } from "../app/http/body-limit.server";
import { trustProxyOf } from "../app/http/trust-proxy";
import type { NodeRouteFor } from "../app/http/node-routes.server";
import compression from "compression";
import express from "express";

export interface AppServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface AppServerOptions {
  port?: number;
  host?: string;
  root?: string;
  /** The Remix build to serve; by default the one `npm run build` wrote to build/server (tests pass one Vite compiled). */
  build?: ServerBuild;
  /** As TRUST_PROXY, which it overrides (tests). */
  trustProxy?: string;
}

export async function startAppServer(options: AppServerOptions = {}): Promise<AppServer> {
  const root = options.root ?? process.cwd();
  const buildDir = path.join(root, "build");
  const build = options.build ?? ((await import(pathToFileURL(path.join(buildDir, "server", "index.js")).href)) as ServerBuild);

  const app = express();
  app.disable("x-powered-by");
  // Who the client is (req.ip): the TCP peer, unless TRUST_PROXY names the proxies in front (app/http/trust-proxy.ts).
  app.set("trust proxy", trustProxyOf(options.trustProxy ?? process.env.TRUST_PROXY));
  app.use(compression());
  app.use("/assets", express.static(path.join(buildDir, "client", "assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV, getLoadContext: (req) => ({ clientAddress: req.ip ?? null }) }));
  // A route that was reading a body refused as too large fails after the 413 went out: nobody is left to answer.
  app.use((error: unknown, req: express.Request, _res: express.Response, next: express.NextFunction) => {
    if (!wasRefusedAsTooLarge(req)) next(error);
  });

  const { nodeRouteFor } = build.entry.module as { nodeRouteFor?: NodeRouteFor };
  if (typeof nodeRouteFor !== "function") {
    throw new Error("build/server does not export nodeRouteFor (see app/entry.server.tsx): rebuild with `npm run build`");
  }
  const dispatch = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const route = nodeRouteFor(req);
    if (route) route(req, res);
    else app(req, res);
  };
  const server = http.createServer((req, res) => {
    // Before anything reads the body, so no handler ever holds more than its route's cap (app/http/body-limit.server.ts).
    if (limitRequestBody(req, res, bodyLimitFor(req.url))) dispatch(req, res);
  });
  // A client that asks first (Expect: 100-continue) is told 413 before it sends a byte of a body over the cap.
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!limitRequestBody(req, res, bodyLimitFor(req.url))) return;
    res.writeContinue();
    dispatch(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3000, options.host ?? "0.0.0.0", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
