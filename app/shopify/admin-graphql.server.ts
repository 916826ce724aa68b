/**
 * One narrow door to Shopify's Admin GraphQL API for background work: run one
 * document for a shop with that shop's offline session, and turn every way it
 * can fail into an AdminApiError that says whether trying again later can help
 * (network, 5xx, 429/THROTTLED) or not (userErrors, other 4xx, no session).
 * Callers decide what to do with that; nothing here retries or sleeps.
 */
import {
  GraphqlQueryError,
  HttpMaxRetriesError,
  HttpRequestError,
  HttpResponseError,
  HttpRetriableError,
  HttpThrottlingError,
} from "@shopify/shopify-api";
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { shopify } from "../shopify.server";

export interface AdminUserError {
  field?: readonly string[] | null;
  message: string;
  code?: string | null;
}

export type AdminApiFailure =
  | "network" // no answer at all (connection refused or reset, timeout)
  | "throttled" // 429, or a 200 whose error says THROTTLED
  | "server_error" // 5xx, or INTERNAL_SERVER_ERROR in a 200
  | "http_error" // any other 4xx: bad token, missing scope, frozen or unknown store
  | "graphql_errors" // top-level GraphQL errors (invalid document, access denied)
  | "user_errors" // the mutation ran and refused the input
  | "not_installed"; // no offline session for this shop

const RETRYABLE: ReadonlySet<AdminApiFailure> = new Set(["network", "throttled", "server_error"]);

export class AdminApiError extends Error {
  override readonly name = "AdminApiError";
  readonly retryable: boolean;

  constructor(
    readonly failure: AdminApiFailure,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; userErrors?: AdminUserError[]; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.retryable = RETRYABLE.has(failure);
  }

  get status(): number | undefined {
    return this.details.status;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
  get userErrors(): AdminUserError[] {
    return this.details.userErrors ?? [];
  }
}

/** Long enough for a slow Shopify, short enough that a hung connection cannot hold a worker's lease. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Runs one Admin GraphQL document for `shop` and returns its `data`. Throws
 * AdminApiError on any failure, including a mutation's non-empty `userErrors`.
 */
export async function adminGraphql<TData>(shop: string, document: string, variables?: Record<string, unknown>): Promise<TData> {
  const admin = await offlineAdmin(shop);
  let body: { data?: TData };
  try {
    const response = await admin.graphql(document, { variables, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    body = (await response.json()) as { data?: TData };
  } catch (error) {
    throw classify(error);
  }
  if (body.data == null) throw new AdminApiError("graphql_errors", "Shopify answered without any data.");
  const userErrors = userErrorsIn(body.data);
  if (userErrors.length > 0) {
    throw new AdminApiError("user_errors", userErrors.map((error) => error.message).join("; "), { userErrors });
  }
  return body.data;
}

async function offlineAdmin(shop: string) {
  try {
    return (await shopify().unauthenticated.admin(shop)).admin;
  } catch (error) {
    if (error instanceof SessionNotFoundError) {
      throw new AdminApiError("not_installed", "The app has no access to this store: it is not installed, or it was uninstalled.", { cause: error });
    }
    throw error;
  }
}

/** A mutation's payload is `{ <field>: { …, userErrors: [...] } }`: collect them from every root field. */
export function userErrorsIn(data: unknown): AdminUserError[] {
  if (typeof data !== "object" || data === null) return [];
  return Object.values(data).flatMap((payload: unknown) => {
    if (typeof payload !== "object" || payload === null || !("userErrors" in payload)) return [];
    const errors = (payload as { userErrors: unknown }).userErrors;
    return Array.isArray(errors) ? (errors as AdminUserError[]) : [];
  });
}

interface GraphqlErrorBody {
  errors?: { graphQLErrors?: Array<{ message?: string; extensions?: { code?: string } }> };
}

function classify(error: unknown): unknown {
  if (error instanceof AdminApiError) return error;
  if (error instanceof HttpThrottlingError) {
    const seconds = error.response.retryAfter;
    return new AdminApiError("throttled", "Shopify asked the app to slow down (rate limit).", {
      status: error.response.code,
      ...(seconds === undefined || Number.isNaN(seconds) ? {} : { retryAfterMs: seconds * 1000 }),
      cause: error,
    });
  }
  if (error instanceof HttpRetriableError) {
    return new AdminApiError("server_error", `Shopify had a temporary problem (HTTP ${error.response.code}).`, { status: error.response.code, cause: error });
  }
  if (error instanceof HttpResponseError) {
    return new AdminApiError("http_error", httpErrorMessage(error.response.code), { status: error.response.code, cause: error });
  }
  if (error instanceof HttpRequestError || error instanceof HttpMaxRetriesError) {
    return new AdminApiError("network", "Shopify could not be reached.", { cause: error });
  }
  if (error instanceof GraphqlQueryError) {
    const errors = (error.body as GraphqlErrorBody | undefined)?.errors?.graphQLErrors ?? [];
    const codes = errors.map((entry) => entry.extensions?.code);
    if (codes.includes("THROTTLED")) return new AdminApiError("throttled", "Shopify asked the app to slow down (query cost limit).", { cause: error });
    if (codes.includes("INTERNAL_SERVER_ERROR")) return new AdminApiError("server_error", "Shopify had a temporary problem.", { cause: error });
    const messages = errors.map((entry) => entry.message).filter(Boolean);
    return new AdminApiError("graphql_errors", `Shopify rejected the request: ${messages.join("; ") || error.message}`, { cause: error });
  }
  return error;
}

function httpErrorMessage(status: number): string {
  switch (status) {
    case 401:
      return "Shopify no longer accepts the app's access token (the app may have been uninstalled).";
    case 402:
      return "The store is frozen or paused (Shopify answered 402 Payment Required).";
    case 403:
      return "The app lacks permission for this (it needs the write_customers access scope).";
    case 404:
      return "Shopify could not find this store.";
    case 423:
      return "The store is locked by Shopify.";
    default:
      return `Shopify refused the request (HTTP ${status}).`;
  }
}
