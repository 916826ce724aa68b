/**
 * The subscribers page's search, filters and sort (Polaris IndexFilters),
 * with the URL as their only state: every change writes the search
 * parameters (the page's loader reads them), so a filtered list survives a
 * reload and can be shared. Any change starts again from the first page.
 */
import { useSearchParams } from "@remix-run/react";
import { ChoiceList, IndexFilters, IndexFiltersMode, InlineStack, TextField, useSetIndexFiltersMode, type IndexFiltersProps } from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";
import { SUBSCRIBER_STATUSES } from "~/consent/transitions";
import { OPT_IN_LEVELS, SORT_LABELS, SOURCE_FILTERS, SOURCE_LABELS, SUBSCRIBER_SORTS, type SubscriberQuery } from "~/subscribers/subscriber-search";

const SEARCH_DELAY_MS = 350;
const STATUS_LABELS: Record<string, string> = { pending: "Pending", subscribed: "Subscribed", unsubscribed: "Unsubscribed", expired: "Expired" };
const LEVEL_LABELS: Record<string, string> = { single: "Single opt-in", confirmed: "Confirmed (double opt-in)" };
const TABS = [{ id: "all", content: "All" }, ...SUBSCRIBER_STATUSES.map((status) => ({ id: status, content: STATUS_LABELS[status]! }))];

/** Polaris writes a sort as "key direction"; the URL as "key-direction". */
const polarisSort = (sort: string) => sort.replace("-", " ") as `${string} ${"asc" | "desc"}`;

export function SubscriberFilters({ query, loading }: { query: SubscriberQuery; loading: boolean }) {
  const [params, setParams] = useSearchParams();
  // Open on the search field: finding one subscriber is what most visits to this page are for.
  const { mode, setMode } = useSetIndexFiltersMode(IndexFiltersMode.Filtering);

  const update = useCallback(
    (changes: Record<string, string | null>) => {
      const next = new URLSearchParams(params);
      for (const [name, value] of Object.entries(changes)) {
        if (value) next.set(name, value);
        else next.delete(name);
      }
      next.delete("after");
      next.delete("before");
      setParams(next, { preventScrollReset: true, replace: "q" in changes });
    },
    [params, setParams],
  );

  // The search field answers as the merchant types, and asks the server once they pause.
  const [search, setSearch] = useState(query.q ?? "");
  const typed = useRef(false);
  useEffect(() => {
    if (!typed.current) return;
    const timer = setTimeout(() => {
      typed.current = false;
      if ((query.q ?? "") !== search.trim()) update({ q: search.trim() || null });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search, query.q, update]);

  // The region field is typed freely and applied when it loses focus; a change of the URL (a pill removed) resets it.
  const regionsInUrl = query.regions.join(", ");
  const [region, setRegion] = useState(regionsInUrl);
  const [regionFrom, setRegionFrom] = useState(regionsInUrl);
  if (regionFrom !== regionsInUrl) {
    setRegionFrom(regionsInUrl);
    setRegion(regionsInUrl);
  }

  const list = (values: string[]) => (values.length ? values.join(",") : null);
  const filters: IndexFiltersProps["filters"] = [
    {
      key: "status",
      label: "Status",
      filter: (
        <ChoiceList
          title="Status"
          titleHidden
          allowMultiple
          choices={SUBSCRIBER_STATUSES.map((status) => ({ label: STATUS_LABELS[status]!, value: status }))}
          selected={query.statuses}
          onChange={(selected) => update({ status: list(selected) })}
        />
      ),
      pinned: true,
    },
    {
      key: "source",
      label: "Consent source",
      filter: (
        <ChoiceList
          title="Where their latest opt-in came from"
          allowMultiple
          choices={SOURCE_FILTERS.map((source) => ({ label: SOURCE_LABELS[source]!, value: source }))}
          selected={query.sources}
          onChange={(selected) => update({ source: list(selected) })}
        />
      ),
      pinned: true,
    },
    {
      key: "optInLevel",
      label: "Opt-in level",
      filter: (
        <ChoiceList
          title="Opt-in level"
          titleHidden
          choices={OPT_IN_LEVELS.map((level) => ({ label: LEVEL_LABELS[level]!, value: level }))}
          selected={query.optInLevel ? [query.optInLevel] : []}
          onChange={(selected) => update({ optInLevel: selected[0] ?? null })}
        />
      ),
    },
    {
      key: "region",
      label: "Region",
      filter: (
        <TextField
          label="Region codes"
          helpText="Separated by commas, e.g. US-FL, US-NY, CA-ON: the state known from the subscriber's order addresses"
          value={region}
          onChange={setRegion}
          onBlur={() => update({ region: list(region.split(",").map((code) => code.trim().toUpperCase()).filter(Boolean)) })}
          autoComplete="off"
        />
      ),
    },
    {
      key: "subscribed",
      label: "Subscribed between",
      filter: (
        <InlineStack gap="200" wrap={false}>
          <TextField label="From" type="date" value={query.from ?? ""} onChange={(value) => update({ from: value || null })} autoComplete="off" />
          <TextField label="To" type="date" value={query.to ?? ""} onChange={(value) => update({ to: value || null })} autoComplete="off" />
        </InlineStack>
      ),
    },
  ];

  const applied: IndexFiltersProps["appliedFilters"] = [];
  if (query.statuses.length) {
    applied.push({ key: "status", label: `Status: ${query.statuses.map((s) => STATUS_LABELS[s]).join(", ")}`, onRemove: () => update({ status: null }) });
  }
  if (query.sources.length) {
    applied.push({ key: "source", label: `Source: ${query.sources.map((s) => SOURCE_LABELS[s]).join(", ")}`, onRemove: () => update({ source: null }) });
  }
  if (query.optInLevel) applied.push({ key: "optInLevel", label: LEVEL_LABELS[query.optInLevel]!, onRemove: () => update({ optInLevel: null }) });
  if (query.regions.length) applied.push({ key: "region", label: `Region: ${query.regions.join(", ")}`, onRemove: () => update({ region: null }) });
  if (query.from || query.to) {
    const label = query.from && query.to ? `Subscribed ${query.from} to ${query.to}` : query.from ? `Subscribed from ${query.from}` : `Subscribed until ${query.to}`;
    applied.push({ key: "subscribed", label, onRemove: () => update({ from: null, to: null }) });
  }

  const selectedTab = query.statuses.length === 1 ? TABS.findIndex((tab) => tab.id === query.statuses[0]) : query.statuses.length === 0 ? 0 : -1;

  return (
    <IndexFilters
      tabs={TABS}
      selected={selectedTab}
      onSelect={(index) => update({ status: index === 0 ? null : TABS[index]!.id })}
      canCreateNewView={false}
      queryValue={search}
      queryPlaceholder="Search by phone (any format), name or e-mail"
      onQueryChange={(value) => {
        typed.current = true;
        setSearch(value);
      }}
      onQueryClear={() => {
        setSearch("");
        update({ q: null });
      }}
      sortOptions={SUBSCRIBER_SORTS.map((sort) => {
        const [label, direction] = SORT_LABELS[sort].split(", ");
        return { label: label!, value: polarisSort(sort), directionLabel: direction! };
      })}
      sortSelected={[polarisSort(query.sort)]}
      onSort={([value]) => update({ sort: value && value !== "updated desc" ? value.replace(" ", "-") : null })}
      filters={filters}
      appliedFilters={applied}
      onClearAll={() => {
        setSearch("");
        update({ q: null, status: null, source: null, optInLevel: null, region: null, from: null, to: null });
      }}
      cancelAction={{ onAction: () => {}, disabled: false, loading: false }}
      mode={mode}
      setMode={setMode}
      loading={loading}
      filteringAccessibilityLabel="Search and filter subscribers"
    />
  );
}
