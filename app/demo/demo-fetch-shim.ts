/**
 * In Shopify admin, App Bridge adds the session token to every request the app
 * makes. The demo runs in a plain browser without App Bridge, so this small
 * inline script does the same with the demo's session token (from the demo
 * link's id_token parameter), letting the real `authenticate.admin` check it.
 */
export const DEMO_FETCH_SHIM = `(() => {
  const fromUrl = new URL(window.location.href).searchParams.get("id_token");
  if (fromUrl) sessionStorage.setItem("demo_id_token", fromUrl);
  const token = sessionStorage.getItem("demo_id_token");
  if (!token) return;
  const originalFetch = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    if (url.origin !== window.location.origin) return originalFetch(input, init);
    const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + token);
    return originalFetch(input, { ...init, headers });
  };
})();`;
