import { BlockStack, Checkbox, ChoiceList, FormLayout, InlineGrid, Select, TextField } from "@shopify/polaris";
import type { AudienceFilter } from "~/campaigns/audience";
import { LANGUAGES } from "~/language/languages";
import type { AudienceDraft, AudienceErrors } from "./audience-draft";
import type { LocaleFormat } from "./locale-format";

/** The consent sources a subscriber can be subscribed on (carrier and system events never subscribe anyone). */
const SOURCE_CHOICES = [
  { value: "checkout", label: "Checkout" },
  { value: "keyword", label: "Texted a keyword" },
  { value: "form", label: "Sign-up form" },
  { value: "import", label: "Import" },
  { value: "admin", label: "Added in the admin" },
  { value: "shopify_sync", label: "Shopify customer marketing consent" },
];

const LANGUAGE_NAMES: Record<(typeof LANGUAGES)[number], string> = { en: "English", es: "Spanish", fr: "French", de: "German", pt: "Portuguese", it: "Italian" };

export function AudiencePicker({
  draft,
  errors,
  disabled,
  onChange,
}: {
  draft: AudienceDraft;
  errors: AudienceErrors;
  disabled?: boolean;
  onChange: (draft: AudienceDraft) => void;
}) {
  const set = <K extends keyof AudienceDraft>(key: K) => (value: AudienceDraft[K]) => onChange({ ...draft, [key]: value });
  return (
    <BlockStack gap="300">
      <ChoiceList
        title="Who gets it"
        disabled={disabled}
        choices={[
          { value: "all", label: "Everyone subscribed" },
          { value: "segment", label: "A segment of subscribers" },
        ]}
        selected={[draft.kind]}
        onChange={([kind]) => set("kind")(kind === "segment" ? "segment" : "all")}
        error={errors.kind}
      />
      {draft.kind === "segment" ? (
        <FormLayout>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <ChoiceList
              title="Subscribed through (none ticked: any)"
              allowMultiple
              disabled={disabled}
              choices={SOURCE_CHOICES}
              selected={draft.sources}
              onChange={set("sources")}
              error={errors.sources}
            />
            <ChoiceList
              title="Language (none ticked: any)"
              allowMultiple
              disabled={disabled}
              choices={LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] }))}
              selected={draft.locales}
              onChange={set("locales")}
              error={errors.locales}
            />
          </InlineGrid>
          <TextField
            label="Regions"
            autoComplete="off"
            disabled={disabled}
            value={draft.regions}
            onChange={set("regions")}
            error={errors.regions}
            helpText="State or province codes, e.g. US-FL, US-TX: the state known from the subscriber's order addresses (the latest wins). Subscribers with none are left out. Empty: anywhere."
          />
          <FormLayout.Group>
            <TextField label="Subscribed on or after" type="date" autoComplete="off" disabled={disabled} value={draft.subscribedAfter} onChange={set("subscribedAfter")} error={errors.subscribedAfter} />
            <TextField label="Subscribed before" type="date" autoComplete="off" disabled={disabled} value={draft.subscribedBefore} onChange={set("subscribedBefore")} error={errors.subscribedBefore} />
          </FormLayout.Group>
          <FormLayout.Group>
            <Select
              label="Orders"
              disabled={disabled}
              options={[
                { value: "any", label: "Any" },
                { value: "did", label: "Ordered in the last…" },
                { value: "did_not", label: "Did not order in the last…" },
              ]}
              value={draft.ordered}
              onChange={(value) => set("ordered")(value === "did" || value === "did_not" ? value : "any")}
            />
            <TextField
              label="Days"
              type="number"
              autoComplete="off"
              disabled={disabled || draft.ordered === "any"}
              value={draft.orderedWithinDays}
              onChange={set("orderedWithinDays")}
              error={errors.orderedWithinDays}
            />
          </FormLayout.Group>
          <FormLayout.Group>
            <Checkbox label="Clicked a link in the last…" disabled={disabled} checked={draft.clicked} onChange={set("clicked")} />
            <TextField
              label="Days"
              labelHidden
              type="number"
              autoComplete="off"
              disabled={disabled || !draft.clicked}
              value={draft.clickedWithinDays}
              onChange={set("clickedWithinDays")}
              error={errors.clickedWithinDays}
            />
          </FormLayout.Group>
        </FormLayout>
      ) : null}
    </BlockStack>
  );
}

/** The filter in one sentence, for a campaign whose audience can no longer change. */
export function describeAudience(filter: AudienceFilter, format?: Pick<LocaleFormat, "wallTime">): string {
  const day = (value: string) => (format ? format.wallTime(value) : value);
  if (filter.kind === "all") return "Everyone subscribed";
  const either = (items: readonly string[]) => items.join(" or ");
  const sourceLabel = (source: string) => SOURCE_CHOICES.find((choice) => choice.value === source)?.label.toLowerCase() ?? source;
  const parts = [
    filter.sources ? `subscribed through ${either(filter.sources.map(sourceLabel))}` : null,
    filter.locales ? `language ${either(filter.locales)}` : null,
    filter.regions ? `in ${either(filter.regions)}` : null,
    filter.subscribedAfter ? `subscribed on or after ${day(filter.subscribedAfter)}` : null,
    filter.subscribedBefore ? `subscribed before ${day(filter.subscribedBefore)}` : null,
    filter.ordered ? `${filter.ordered.did ? "ordered" : "did not order"} in the last ${filter.ordered.withinDays} days` : null,
    filter.clicked ? `clicked a link in the last ${filter.clicked.withinDays} days` : null,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? "Everyone subscribed" : `Subscribers ${parts.join("; ")}`;
}
