/**
 * Downloads fetched rather than linked: in Shopify admin, App Bridge adds the
 * session token to the app's fetch requests, which a plain link would not
 * carry. The answer is saved as a file from the browser.
 */
import { Button } from "@shopify/polaris";
import { useState } from "react";

export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link); // Firefox clicks only links that are in the document
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A button that fetches `url` and saves the answer as `fileName`; a failure turns it into a retry. */
export function FetchedDownloadButton({ url, fileName, label }: { url: string; fileName: string; label: string }) {
  const [state, setState] = useState<"idle" | "loading" | "failed">("idle");
  const download = async () => {
    setState("loading");
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      saveFile(await response.blob(), fileName);
      setState("idle");
    } catch {
      setState("failed");
    }
  };
  return (
    <Button onClick={download} loading={state === "loading"} tone={state === "failed" ? "critical" : undefined}>
      {state === "failed" ? "Download failed, retry" : label}
    </Button>
  );
}
