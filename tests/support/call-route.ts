import type { ActionFunctionArgs } from "@remix-run/node";

/** Calls a route action as Remix would: a thrown Response is the response. */
export async function callAction(
  action: (args: ActionFunctionArgs) => Promise<Response>,
  request: Request,
): Promise<Response> {
  try {
    return await action({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
