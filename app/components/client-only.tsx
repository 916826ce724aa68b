import { useSyncExternalStore, type ReactNode } from "react";

const noSubscription = () => () => {};

/**
 * Renders `children` only in the browser: `fallback` on the server and while
 * hydrating (React renders the server snapshot first, so both agree), the
 * children right after. Polaris Viz measures its container with
 * ResizeObserver and draws nothing useful without a DOM.
 */
export function ClientOnly({ children, fallback = null }: { children: () => ReactNode; fallback?: ReactNode }) {
  const inBrowser = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  return <>{inBrowser ? children() : fallback}</>;
}
