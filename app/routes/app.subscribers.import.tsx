import {
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  ChoiceList,
  DataTable,
  DropZone,
  InlineGrid,
  InlineStack,
  Page,
  ProgressBar,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { FetchedDownloadButton } from "~/components/fetched-download";
import { useFormat } from "~/components/use-format";
import { requireAdmin } from "~/shopify/require-admin.server";
import { MAX_IMPORT_BYTES, MAX_IMPORT_WORDS, PREVIEW_BYTES } from "~/subscribers/import/import-limits";
import { FIELD_LABELS, IMPORT_FIELDS, type ImportField } from "~/subscribers/import/import-mapping";
import type { ConfirmMode } from "~/subscribers/import/import-row";
import { importPageFacts, previewUpload, startUpload, tooLarge } from "~/subscribers/import/import-upload.server";
import { listSubscriberImports } from "~/subscribers/import/subscriber-import.server";

export const meta: MetaFunction = () => [{ title: "Import subscribers · SMS Consent" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  return { imports: await listSubscriberImports(shop), ...(await importPageFacts(shop)) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { shop, staff } = await requireAdmin(request);
  // Refused in words before a byte of the file is parsed.
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  if (declared > MAX_IMPORT_BYTES + 64 * 1024) return { ok: false as const, error: tooLarge(declared) };
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMPORT_BYTES }));
  } catch (error) {
    if (error instanceof Response) throw error; // the server's own cap (413)
    return { ok: false as const, error: `The upload could not be read: the import takes one CSV file up to ${MAX_IMPORT_WORDS}.` };
  }
  const file = form.get("file");
  const upload = file instanceof File ? file : null;
  if (form.get("intent") === "preview") return previewUpload(shop, upload);
  return startUpload(shop, staff.label, { file: upload, mapping: form.get("mapping"), confirmMode: form.get("confirmMode") });
}

type Preview = { headers: string[]; rows: string[][]; guess: { delimiter: string; dayFirst: boolean; columns: Partial<Record<ImportField, number>> } };
type Answer = { ok: true; preview: Preview } | { ok: true; started: string } | { ok: false; error: string };

const NOT_IN_FILE = "";

export default function ImportSubscribers() {
  const { imports, requestText, pendingExpiryHours } = useLoaderData<typeof loader>();
  const format = useFormat();
  const previewFetcher = useFetcher<Answer>();
  const startFetcher = useFetcher<Answer>();
  const revalidator = useRevalidator();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  // The merchant's changes to the guess, for the file they belong to (a new file starts from its own guess).
  const [edits, setEdits] = useState<{ preview: Preview | null; columns: Partial<Record<ImportField, string>>; dayFirst: boolean | null }>({
    preview: null,
    columns: {},
    dayFirst: null,
  });
  const [startedFile, setStartedFile] = useState<File | null>(null);
  const [sourceForAll, setSourceForAll] = useState("");
  const [disclosureForAll, setDisclosureForAll] = useState("");
  const [confirmMode, setConfirmMode] = useState<ConfirmMode>("double_opt_in");

  const preview = previewFetcher.data && "preview" in previewFetcher.data ? previewFetcher.data.preview : null;
  const previewError = previewFetcher.data && !previewFetcher.data.ok ? previewFetcher.data.error : null;
  const startError = startFetcher.data && !startFetcher.data.ok ? startFetcher.data.error : null;
  const started = startFetcher.data && "started" in startFetcher.data ? startFetcher.data.started : null;
  const active = imports.some((each) => each.status === "queued" || each.status === "running");

  const current = edits.preview === preview ? edits : { preview, columns: {}, dayFirst: null };
  const columns: Partial<Record<ImportField, string>> = {
    ...Object.fromEntries(Object.entries(preview?.guess.columns ?? {}).map(([field, column]) => [field, String(column)])),
    ...current.columns,
  };
  const dayFirst = current.dayFirst ?? preview?.guess.dayFirst ?? false;
  const setColumn = (field: ImportField, value: string) => setEdits({ ...current, columns: { ...current.columns, [field]: value } });
  const setDayFirst = (value: boolean) => setEdits({ ...current, dayFirst: value });
  const startedThisFile = Boolean(started && startedFile === file);
  const showMapping = preview && file && !startedThisFile;

  // The worker imports in the background: follow its progress while an import is under way.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1500);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  const choose = (files: File[]) => {
    const chosen = files[0];
    setFileError(null);
    if (!chosen) return;
    if (chosen.size > MAX_IMPORT_BYTES) {
      setFile(null);
      setFileError(`This file is ${(chosen.size / 1024 / 1024).toFixed(1)} MB: the import takes files up to ${MAX_IMPORT_WORDS}. Split it into smaller files and import each.`);
      return;
    }
    setFile(chosen);
    const form = new FormData();
    form.set("intent", "preview");
    form.set("file", new File([chosen.slice(0, PREVIEW_BYTES)], chosen.name, { type: "text/csv" }));
    previewFetcher.submit(form, { method: "post", encType: "multipart/form-data" });
  };

  const start = () => {
    if (!file || !preview) return;
    const mapping = {
      delimiter: preview.guess.delimiter,
      dayFirst,
      columns: Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== NOT_IN_FILE && value !== undefined).map(([field, value]) => [field, Number(value)])),
      sourceForAll,
      disclosureForAll,
    };
    const form = new FormData();
    form.set("intent", "start");
    form.set("file", file);
    form.set("mapping", JSON.stringify(mapping));
    form.set("confirmMode", confirmMode);
    setStartedFile(file);
    startFetcher.submit(form, { method: "post", encType: "multipart/form-data" });
  };

  const columnOptions = useMemo(
    () => [{ label: "— not in the file —", value: NOT_IN_FILE }, ...(preview?.headers ?? []).map((header, i) => ({ label: `Column ${i + 1}: ${header || "(no name)"}`, value: String(i) }))],
    [preview],
  );

  return (
    <Page title="Import subscribers" backAction={{ content: "Subscribers", url: "/app/subscribers" }}>
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              What a list must prove
            </Text>
            <Text as="p">
              Marketing texts need each person&apos;s prior express written consent, and you must be able to prove it. So every row needs the{" "}
              <strong>date</strong> the person agreed, <strong>where</strong> they agreed (the source: a sign-up form, a keyword, a checkout) and{" "}
              <strong>the text they were shown</strong> (or a reference to it: its URL, form name or version). Rows without them are not imported: the report
              lists each with the reason. Numbers that opted out here, or whose data was erased at their request, stay opted out. A number in the file twice is
              imported once. Importing the same file again changes nothing.
            </Text>
          </BlockStack>
        </Card>

        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              1. Choose the file
            </Text>
            <DropZone accept=".csv,.txt,text/csv" type="file" allowMultiple={false} onDrop={(_all, accepted) => choose(accepted)} label={`CSV file, up to ${MAX_IMPORT_WORDS}`}>
              {file && !startedThisFile ? (
                <BlockStack inlineAlign="center" gap="100">
                  <Text as="p" variant="bodyMd" fontWeight="semibold">
                    {file.name}
                  </Text>
                  <Text as="p" tone="subdued">
                    {format.count(Math.max(1, Math.round(file.size / 1024)))} KB
                  </Text>
                </BlockStack>
              ) : (
                <DropZone.FileUpload actionTitle="Choose a CSV file" actionHint="Exported from Klaviyo, Attentive, Postscript, Shopify or a spreadsheet" />
              )}
            </DropZone>
            {fileError ? <Banner tone="critical">{fileError}</Banner> : null}
            {previewError ? <Banner tone="critical">{previewError}</Banner> : null}
          </BlockStack>
        </Card>

        {showMapping ? (
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                2. Check the columns
              </Text>
              <DataTable
                columnContentTypes={preview.headers.map(() => "text" as const)}
                headings={preview.headers.map((header, i) => header || `Column ${i + 1}`)}
                rows={preview.rows.map((row) => preview.headers.map((_, i) => row[i] ?? ""))}
              />
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                {IMPORT_FIELDS.map((field) => (
                  <Select
                    key={field}
                    label={FIELD_LABELS[field]}
                    options={columnOptions}
                    value={columns[field] ?? NOT_IN_FILE}
                    onChange={(value) => setColumn(field, value)}
                  />
                ))}
                <Select
                  label="Dates such as 05/03/2024 are"
                  options={[
                    { label: "Month first (May 3)", value: "month" },
                    { label: "Day first (5 March)", value: "day" },
                  ]}
                  value={dayFirst ? "day" : "month"}
                  onChange={(value) => setDayFirst(value === "day")}
                />
              </InlineGrid>
              <TextField
                label="Consent source for rows without one"
                value={sourceForAll}
                onChange={setSourceForAll}
                autoComplete="off"
                helpText="Only if you know it for the whole file, e.g. “Klaviyo pop-up on acme.com, 2023–2025”. It is recorded as stated by you."
              />
              <TextField
                label="Disclosure text (or reference) for rows without one"
                value={disclosureForAll}
                onChange={setDisclosureForAll}
                multiline={3}
                autoComplete="off"
                helpText="The exact text people saw when they agreed, or where it can be found. It is recorded as stated by you."
              />
              <ChoiceList
                title="How imported numbers are confirmed"
                choices={[
                  {
                    label: "Ask each number to confirm by text (double opt-in, recommended)",
                    value: "double_opt_in",
                    helpText: `Each number gets one text in the recipient's daytime hours: “${requestText}” They are subscribed only if they reply Y within ${pendingExpiryHours} hours.`,
                  },
                  {
                    label: "Record as already confirmed",
                    value: "already_confirmed",
                    helpText:
                      "Only for rows whose file says the person confirmed by double opt-in (the Confirmed column says yes): they are subscribed without a text. Other rows with complete evidence are asked to confirm by text instead.",
                  },
                ]}
                selected={[confirmMode]}
                onChange={(selected) => setConfirmMode((selected[0] as ConfirmMode) ?? "double_opt_in")}
              />
              {startError ? <Banner tone="critical">{startError}</Banner> : null}
              <InlineStack>
                <Button variant="primary" onClick={start} loading={startFetcher.state !== "idle"}>
                  Start import
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        ) : null}

        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Imports
            </Text>
            {imports.length === 0 ? (
              <Text as="p" tone="subdued">
                No imports yet. Choose a file above to bring your list in.
              </Text>
            ) : (
              imports.map((each) => <ImportRow key={each.id} item={each} />)
            )}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}

type ImportItem = ReturnType<typeof useLoaderData<typeof loader>>["imports"][number];

const STATUS: Record<string, { label: string; tone: "info" | "attention" | "success" | "critical" }> = {
  queued: { label: "Waiting to start", tone: "info" },
  running: { label: "Importing", tone: "attention" },
  done: { label: "Done", tone: "success" },
  failed: { label: "Failed", tone: "critical" },
};

function ImportRow({ item }: { item: ImportItem }) {
  const format = useFormat();
  const status = STATUS[item.status] ?? { label: item.status, tone: "info" as const };
  const progress = item.totalRows > 0 ? Math.round((100 * item.processedRows) / item.totalRows) : item.status === "done" ? 100 : 0;
  return (
    <BlockStack gap="200">
      <InlineStack gap="200" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {item.fileName}
        </Text>
        <Badge tone={status.tone}>{status.label}</Badge>
        <Text as="span" tone="subdued">
          started {format.dateTime(item.createdAt)}
          {item.staff ? ` by ${item.staff}` : ""} · {item.confirmMode === "already_confirmed" ? "confirmed rows recorded as confirmed" : "double opt-in"}
        </Text>
      </InlineStack>
      {item.status === "queued" || item.status === "running" ? (
        <ProgressBar progress={progress} size="small" ariaLabelledBy={`import-${item.id}-counts`} />
      ) : null}
      <Text as="p" id={`import-${item.id}-counts`}>
        {format.count(item.processedRows)} of {item.totalRows ? format.count(item.totalRows) : "…"} rows · {format.count(item.subscribedRows)} subscribed ·{" "}
        {format.count(item.pendingRows)} asked to confirm · {format.count(item.unchangedRows)} unchanged · {format.count(item.refusedRows)} not imported
      </Text>
      {item.error ? <Banner tone="critical">{item.error}</Banner> : null}
      {item.status === "done" ? (
        <InlineStack>
          <FetchedDownloadButton
            url={`/app/subscribers/import/${encodeURIComponent(item.id)}/report`}
            fileName={`${item.fileName.replace(/\.[^.]*$/, "")}-report.csv`}
            label="Download the report (CSV)"
          />
        </InlineStack>
      ) : null}
    </BlockStack>
  );
}

