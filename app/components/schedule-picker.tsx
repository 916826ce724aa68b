import { BlockStack, ChoiceList, TextField } from "@shopify/polaris";
import { SCHEDULE_MODES, type ScheduleMode } from "~/campaigns/campaign-schedule";

export interface ScheduleDraft {
  mode: ScheduleMode;
  /** A wall time as the browser's datetime input writes it, "2026-12-01T10:00"; unused for "now". */
  at: string;
}

export function readScheduleMode(value: string | undefined): ScheduleMode {
  return SCHEDULE_MODES.find((mode) => mode === value) ?? "now";
}

export function SchedulePicker({
  draft,
  shopTimezone,
  error,
  disabled,
  onChange,
}: {
  draft: ScheduleDraft;
  shopTimezone: string;
  error?: string;
  disabled?: boolean;
  onChange: (draft: ScheduleDraft) => void;
}) {
  return (
    <BlockStack gap="300">
      <ChoiceList
        title="When"
        disabled={disabled}
        choices={[
          { value: "now", label: "Send now", helpText: "Recipients in quiet hours get it when their window opens." },
          { value: "shop_time", label: `At a set time in your shop's time zone (${shopTimezone})` },
          {
            value: "recipient_local",
            label: "At a local time in each recipient's time zone",
            helpText: "10:00 means 10:00 in New York for a New York number and 10:00 in Los Angeles for a Los Angeles number.",
          },
        ]}
        selected={[draft.mode]}
        onChange={([mode]) => onChange({ ...draft, mode: readScheduleMode(mode) })}
      />
      {draft.mode === "now" ? null : (
        <TextField
          label={draft.mode === "shop_time" ? `Send at (${shopTimezone})` : "Send at (each recipient's local time)"}
          type="datetime-local"
          autoComplete="off"
          disabled={disabled}
          value={draft.at}
          onChange={(at) => onChange({ ...draft, at })}
          error={error}
        />
      )}
    </BlockStack>
  );
}
