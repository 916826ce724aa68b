import http from "node:http";
import https from "node:https";
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient";
import type TwilioResponse from "twilio/lib/http/response";

/**
 * The Twilio SDK's HTTP client on `node:http` / `node:https`, without axios.
 *
 * A campaign hands Twilio thousands of texts, and axios (its config merging,
 * header normalisation, interceptors, adapters and stream plumbing) cost the
 * dispatch worker as much CPU per text as everything else it does. This
 * client keeps the SDK's contract (`request(opts)` resolving to
 * `{ statusCode, body, headers }` for every HTTP status; the SDK turns 4xx/5xx
 * into RestException and parses the JSON body itself) and everything above it:
 * the SDK still builds the request (URL, form fields, User-Agent, Basic auth
 * from the credentials). What this does is what the SDK's own RequestClient
 * does with axios for such a request: Basic auth or the auth strategy's
 * header, the form or JSON body, the query string, a timeout for the whole
 * request, no redirects followed. Network failures reject with Node's own
 * errors (code ECONNREFUSED, ECONNRESET…, or ETIMEDOUT for the timeout),
 * which describeSendFailure reads as axios' were.
 *
 * Forms are encoded as URLSearchParams does (spaces as "+"; the SDK's qs
 * writes "%20"): both are application/x-www-form-urlencoded and decode the
 * same.
 *
 * Requests this does not handle go through the SDK's axios path unchanged:
 * redirects to follow, debug logging, an HTTP_PROXY, automatic 429 retries,
 * public-key client validation.
 *
 * Connections are kept alive and, unlike the SDK's default agent (20 sockets
 * per host, 5 kept when idle), not capped below what a worker keeps in flight:
 * with 50 texts in flight, 20 sockets would queue 30 of them in the agent, and
 * closing all but 5 after each burst would cost a TLS handshake per text.
 */
export class LeanRequestClient extends twilio.RequestClient {
  private readonly agents: { "http:": http.Agent; "https:": https.Agent };
  private readonly axiosOnly: boolean;

  constructor(options: RequestClient.RequestClientOptions = {}) {
    super(options);
    const agentOptions = {
      keepAlive: this.keepAlive,
      keepAliveMsecs: options.keepAliveMsecs,
      maxSockets: options.maxSockets ?? Infinity,
      maxTotalSockets: options.maxTotalSockets ?? Infinity,
      maxFreeSockets: options.maxFreeSockets ?? 256,
      scheduling: options.scheduling ?? "lifo",
      timeout: this.defaultTimeout,
    } satisfies https.AgentOptions;
    this.agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent({ ...agentOptions, ...(options.ca ? { ca: options.ca } : {}) }) };
    this.axiosOnly =
      Boolean(process.env.HTTP_PROXY) || Boolean(process.env.TWILIO_CA_BUNDLE) || this.autoRetry || Boolean(options.validationClient);
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    if (this.axiosOnly || opts.allowRedirects || opts.logLevel === "debug") return super.request(opts);
    if (!opts.method) throw new Error("http method is required");
    if (!opts.uri) throw new Error("uri is required");

    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    if (!headers.Connection && !headers.connection) headers.Connection = this.keepAlive ? "keep-alive" : "close";
    if (opts.username && opts.password) headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString("base64")}`;
    else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();

    let body: string | undefined;
    if (opts.data) {
      if (headers["Content-Type"] === "application/x-www-form-urlencoded") body = formEncoded(opts.data);
      else if (headers["Content-Type"] === "application/json") body = JSON.stringify(opts.data);
    }
    if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body));

    const url = new URL(opts.uri);
    const agent = url.protocol === "https:" ? this.agents["https:"] : url.protocol === "http:" ? this.agents["http:"] : null;
    if (!agent) throw new Error(`Unsupported protocol ${url.protocol} in ${opts.uri}`);
    let path = `${url.pathname}${url.search}`;
    const query = opts.params ? formEncoded(opts.params) : "";
    if (query) path += `${url.search ? "&" : "?"}${query}`;

    // The SDK's client keeps the last exchange for debugging: the answer here (its Request object is not kept).
    this.lastResponse = undefined;
    this.lastRequest = undefined;
    const response = await send(url.protocol === "https:" ? https : http, {
      agent,
      method: opts.method.toUpperCase(),
      protocol: url.protocol,
      hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port || undefined,
      path,
      headers,
      timeout: opts.timeout || this.defaultTimeout,
      body,
    });
    // The SDK parses a string body as JSON (and reads a non-JSON error body as having no message).
    const answer: TwilioResponse<TData> = { statusCode: response.statusCode, body: response.body as TData, headers: response.headers };
    this.lastResponse = answer;
    return answer;
  }
}

interface SendOptions extends http.RequestOptions {
  timeout: number;
  body: string | undefined;
}

function send(transport: typeof http | typeof https, { body, timeout, ...options }: SendOptions) {
  return new Promise<{ statusCode: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const request = transport.request(options, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        clearTimeout(timer);
        resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: response.headers });
      });
    });
    // The whole request, answer included, as axios' `timeout`: a Twilio that accepted the request and never answered.
    const timer = setTimeout(
      () => request.destroy(Object.assign(new Error(`timeout of ${timeout}ms exceeded`), { code: "ETIMEDOUT" })),
      timeout,
    );
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

/** Form fields as the SDK's qs writes them (`arrayFormat: "repeat"`, null as empty, undefined left out), in URLSearchParams' encoding. */
export function formEncoded(fields: object): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (item === undefined) continue;
      form.append(key, item === null ? "" : item instanceof Date ? item.toISOString() : String(item));
    }
  }
  return form.toString();
}
