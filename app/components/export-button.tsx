/**
 * "Export CSV" for the list as filtered: fetched rather than linked, because
 * in Shopify admin App Bridge adds the session token to the app's `fetch`
 * requests (the demo's fetch shim does the same), which a plain link would
 * not carry. The response is read as it streams, its lines counted against
 * the total the page already knows to draw a progress bar, then saved under
 * the name the server gave it. The merchant can cancel a long export.
 */
import { BlockStack, Button, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useRef, useState } from "react";
import { saveFile } from "./fetched-download";
import { useFormat } from "./use-format";

type ExportState = { phase: "idle" } | { phase: "running"; rows: number } | { phase: "failed"; message: string } | { phase: "done"; rows: number };

const NEWLINE = 0x0a;

function fileNameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get("Content-Disposition") ?? "";
  return /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallback;
}


export function ExportButton({ url, total }: { url: string; total: number }) {
  const format = useFormat();
  const [state, setState] = useState<ExportState>({ phase: "idle" });
  const abort = useRef<AbortController | null>(null);

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setState({ phase: "running", rows: 0 });
    try {
      const response = await fetch(url, { signal: controller.signal });
      if (!response.ok || !response.body) throw new Error(`The export could not start (HTTP ${response.status}). Try again.`);
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      let lines = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        for (const byte of value) if (byte === NEWLINE) lines++;
        // The header is a line too; a name with a line break in it counts twice, hence the cap.
        setState({ phase: "running", rows: Math.min(Math.max(lines - 1, 0), total) });
      }
      const rows = Math.max(lines - 1, 0);
      saveFile(new Blob(chunks as BlobPart[], { type: "text/csv;charset=utf-8" }), fileNameOf(response, "subscribers.csv"));
      setState({ phase: "done", rows });
    } catch (error) {
      if (controller.signal.aborted) setState({ phase: "idle" });
      else setState({ phase: "failed", message: error instanceof Error && error.message.startsWith("The export") ? error.message : "The export stopped before the end. Try again." });
    } finally {
      abort.current = null;
    }
  };

  const running = state.phase === "running";
  const percent = running && total > 0 ? Math.round((state.rows / total) * 100) : 0;
  return (
    <BlockStack gap="200" inlineAlign="end">
      <InlineStack gap="200" blockAlign="center">
        {running ? <Button onClick={() => abort.current?.abort()}>Cancel export</Button> : null}
        <Button onClick={start} loading={running} disabled={total === 0}>
          Export CSV
        </Button>
      </InlineStack>
      <div aria-live="polite" style={{ minWidth: 240 }}>
        {running ? (
          <BlockStack gap="100">
            <ProgressBar progress={percent} size="small" ariaLabelledBy="subscriber-export-progress" />
            <Text as="p" tone="subdued" variant="bodySm" id="subscriber-export-progress">
              Exporting {format.count(state.rows)} of {format.count(total)} subscribers…
            </Text>
          </BlockStack>
        ) : state.phase === "done" ? (
          <Text as="p" tone="success" variant="bodySm">
            Exported {format.count(state.rows)} subscribers.
          </Text>
        ) : state.phase === "failed" ? (
          <Text as="p" tone="critical" variant="bodySm">
            {state.message}
          </Text>
        ) : null}
      </div>
    </BlockStack>
  );
}
