/**
 * The app's webhook routes over real HTTP, without building the app: the
 * node:http routes first, as server/app-server.ts serves them, then the given
 * Remix route actions, called as Remix calls a resource route (a Fetch Request
 * in; the returned or thrown Response out). For loops where something outside
 * the test process (the local Twilio server) calls the app back.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ActionFunctionArgs } from "@remix-run/node";
import { nodeRouteFor } from "../../app/http/node-routes.server";
import { callAction } from "./call-route";

export type RouteAction = (args: ActionFunctionArgs) => Promise<Response>;

export interface AppRoutesServer {
  /** e.g. http://127.0.0.1:40123, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

export async function serveAppRoutes(actions: Record<string, RouteAction>): Promise<AppRoutesServer> {
  const server = http.createServer((req, res) => {
    const nodeRoute = nodeRouteFor(req);
    if (nodeRoute) return nodeRoute(req, res);
    const action = req.method === "POST" ? actions[(req.url ?? "/").split("?")[0]!] : undefined;
    if (!action) return void res.writeHead(404).end("not routed");
    answerWithAction(action, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answerWithAction(action: RouteAction, req: http.IncomingMessage, res: http.ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: Buffer.concat(chunks),
  });
  const response = await callAction(action, request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}
