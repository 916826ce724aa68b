/**
 * A thin bar across the top of the admin while the next page (or a form's
 * answer) loads, so a click on a slow page is visibly taken. It fades in only
 * after a short wait (CSS, no timers): a page that comes back at once does not
 * flash it.
 */
import { useNavigation } from "@remix-run/react";
import { useEffect } from "react";

const KEYFRAMES = "@keyframes navigation-progress-in{to{opacity:1}}@keyframes navigation-progress-move{from{transform:translateX(-100%)}to{transform:translateX(250%)}}";

export function NavigationProgress() {
  const busy = useNavigation().state !== "idle";
  useEffect(() => {
    // Embedded in Shopify admin, App Bridge also shows the admin's own loading bar (absent in the demo: no App Bridge).
    (globalThis as { shopify?: { loading?: (on: boolean) => void } }).shopify?.loading?.(busy);
  }, [busy]);
  if (!busy) return null;
  return (
    <div
      role="progressbar"
      aria-label="Loading the page"
      data-navigation-progress
      style={{
        position: "fixed",
        top: 0,
        left: 0,
        right: 0,
        height: 3,
        zIndex: 1000,
        overflow: "hidden",
        opacity: 0,
        animation: "navigation-progress-in 0s linear 150ms forwards",
      }}
    >
      <style>{KEYFRAMES}</style>
      <div style={{ height: "100%", width: "40%", background: "var(--p-color-bg-fill-brand, #303030)", animation: "navigation-progress-move 1s ease-in-out infinite" }} />
    </div>
  );
}
