/**
 * The admin's charts (Polaris Viz): drawn in the browser only (ClientOnly),
 * with a placeholder of the same height on the server, so server rendering
 * never touches a chart. Each takes the points the results functions return
 * (app/results/), already in the shop's hours or days; their hours, days and
 * values are labelled in the merchant's locale (useFormat).
 */
import { Box, Text } from "@shopify/polaris";
import { BarChart, LineChart, PolarisVizProvider, type DataSeries } from "@shopify/polaris-viz";
import { useEffect, useRef, type ReactNode } from "react";
import { ClientOnly } from "./client-only";
import type { LocaleFormat } from "./locale-format";
import { minorToMajor } from "./order-money";
import { useFormat } from "./use-format";

const CHART_HEIGHT = 280;

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * The drawing is not read out (the table beside it says the same) and so must
 * hold no tab stop either (axe-core: aria-hidden-focus): whatever Polaris Viz
 * makes focusable, now or when it redraws, is taken out of the tab order. The
 * mouse keeps its tooltips and legend (`inert` would take those too).
 */
function usePresentationOnly() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    // Only where it changes something: setting it fires the observer again.
    const untab = () =>
      box.querySelectorAll<HTMLElement>(FOCUSABLE).forEach((element) => {
        if (element.getAttribute("tabindex") !== "-1") element.setAttribute("tabindex", "-1");
      });
    untab();
    const observer = new MutationObserver(untab);
    observer.observe(box, { subtree: true, childList: true, attributes: true, attributeFilter: ["tabindex"] });
    return () => observer.disconnect();
  }, []);
  return ref;
}

const VISUALLY_HIDDEN = { position: "absolute", width: 1, height: 1, margin: -1, padding: 0, overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap", border: 0 } as const;

/**
 * Polaris Viz draws SVG that screen readers get little from (unnamed points, ARIA
 * tables and lists without their rows: axe-core's serious and critical findings).
 * So the drawing is for the eye only, and the figures are also given as a plain
 * table that assistive technology reads instead.
 */
function Chart({ label, data, children }: { label: string; data: DataSeries[]; children: () => ReactNode }) {
  const drawing = usePresentationOnly();
  return (
    <figure style={{ height: CHART_HEIGHT, margin: 0, position: "relative" }} aria-label={label} data-chart={label}>
      <ChartTable label={label} data={data} />
      <div style={{ height: "100%" }} aria-hidden="true" ref={drawing}>
        <ClientOnly
          fallback={
            <Box padding="400">
              <Text as="p" tone="subdued">
                Loading chart…
              </Text>
            </Box>
          }
        >
          {() => <PolarisVizProvider>{children()}</PolarisVizProvider>}
        </ClientOnly>
      </div>
    </figure>
  );
}

/** The chart's figures, one row per hour or day, for screen readers. */
function ChartTable({ label, data }: { label: string; data: DataSeries[] }) {
  const format = useFormat();
  const keys = data[0]?.data.map((point) => String(point.key)) ?? [];
  return (
    <table style={VISUALLY_HIDDEN}>
      <caption>{label}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          {data.map((series) => (
            <th scope="col" key={series.name}>
              {series.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {keys.map((key, row) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            {data.map((series) => (
              <td key={series.name}>{format.decimal(Number(series.data[row]?.value ?? 0), 2)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface Labelled {
  /** The bucket's start, an instant (app/results/time-buckets.ts). */
  key: string;
  label: string;
}

type Unit = "hour" | "day";

const series = <T extends Labelled>(format: LocaleFormat, unit: Unit, name: string, points: T[], value: (point: T) => number): DataSeries => ({
  name,
  data: points.map((point) => ({ key: format.bucket(point.key, unit), value: value(point) })),
});

/** Axis and tooltip values in the merchant's locale. */
const numberOptions = (format: LocaleFormat) => {
  const label = (value: string | number | null) => (typeof value === "number" ? format.decimal(value, 2) : String(value ?? ""));
  return { yAxisOptions: { labelFormatter: label }, tooltipOptions: { valueFormatter: label } };
};

/** Deliveries, clicks and credited orders per hour or day of a campaign. */
export function ActivityChart({ points, unit }: { points: (Labelled & { deliveries: number; clicks: number; orders: number })[]; unit: Unit }) {
  const format = useFormat();
  const data = [
    series(format, unit, "Deliveries", points, (p) => p.deliveries),
    series(format, unit, "Clicks", points, (p) => p.clicks),
    series(format, unit, "Orders", points, (p) => p.orders),
  ];
  return (
    <Chart label="Deliveries, clicks and orders over time" data={data}>
      {() => <LineChart data={data} theme="Light" isAnimated={false} {...numberOptions(format)} />}
    </Chart>
  );
}

/** Opt-ins per day by source, and opt-outs: lines, since 90 days of grouped bars per source are too thin to read. */
export function ListGrowthChart({ days, sources }: { days: (Labelled & { optInsBySource: Record<string, number>; optOuts: number })[]; sources: string[] }) {
  const format = useFormat();
  const data = [
    ...sources.map((source) => series(format, "day", `Opt-ins: ${source.replace(/_/g, " ")}`, days, (d) => d.optInsBySource[source] ?? 0)),
    series(format, "day", "Opt-outs", days, (d) => d.optOuts),
  ];
  return (
    <Chart label="List growth per day" data={data}>
      {() => <LineChart data={data} theme="Light" isAnimated={false} {...numberOptions(format)} />}
    </Chart>
  );
}

/** Revenue of orders credited to campaigns, per day, one series per currency. */
export function RevenueChart({ days, currencies }: { days: (Labelled & { revenueMinor: Record<string, number> })[]; currencies: string[] }) {
  const format = useFormat();
  const data = (currencies.length > 0 ? currencies : ["USD"]).map((currency) =>
    series(format, "day", `Revenue (${currency})`, days, (d) => minorToMajor(d.revenueMinor[currency] ?? 0, currency))
  );
  return (
    <Chart label="Attributed revenue per day" data={data}>
      {() => <BarChart data={data} theme="Light" isAnimated={false} {...numberOptions(format)} />}
    </Chart>
  );
}
