/**
 * The admin's charts (Polaris Viz): drawn in the browser only (ClientOnly),
 * with a placeholder of the same height on the server, so server rendering
 * never touches a chart. Each takes the points the results functions return
 * (app/results/), already in the shop's hours or days.
 */
import { Box, Text } from "@shopify/polaris";
import { BarChart, LineChart, PolarisVizProvider, type DataSeries } from "@shopify/polaris-viz";
import type { ReactNode } from "react";
import { ClientOnly } from "./client-only";
import { minorToMajor } from "./order-money";

const CHART_HEIGHT = 280;

function Chart({ label, children }: { label: string; children: () => ReactNode }) {
  return (
    <div style={{ height: CHART_HEIGHT }} role="figure" aria-label={label} data-chart={label}>
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
  );
}

interface Labelled {
  label: string;
}

const series = <T extends Labelled>(name: string, points: T[], value: (point: T) => number): DataSeries => ({
  name,
  data: points.map((point) => ({ key: point.label, value: value(point) })),
});

/** Deliveries, clicks and credited orders per hour or day of a campaign. */
export function ActivityChart({ points }: { points: (Labelled & { deliveries: number; clicks: number; orders: number })[] }) {
  const data = [series("Deliveries", points, (p) => p.deliveries), series("Clicks", points, (p) => p.clicks), series("Orders", points, (p) => p.orders)];
  return (
    <Chart label="Deliveries, clicks and orders over time">
      {() => <LineChart data={data} theme="Light" isAnimated={false} />}
    </Chart>
  );
}

/** Opt-ins per day by source, and opt-outs: lines, since 90 days of grouped bars per source are too thin to read. */
export function ListGrowthChart({ days, sources }: { days: (Labelled & { optInsBySource: Record<string, number>; optOuts: number })[]; sources: string[] }) {
  const data = [...sources.map((source) => series(`Opt-ins: ${source.replace(/_/g, " ")}`, days, (d) => d.optInsBySource[source] ?? 0)), series("Opt-outs", days, (d) => d.optOuts)];
  return (
    <Chart label="List growth per day">
      {() => <LineChart data={data} theme="Light" isAnimated={false} />}
    </Chart>
  );
}

/** Revenue of orders credited to campaigns, per day, one series per currency. */
export function RevenueChart({ days, currencies }: { days: (Labelled & { revenueMinor: Record<string, number> })[]; currencies: string[] }) {
  const data = (currencies.length > 0 ? currencies : ["USD"]).map((currency) => series(`Revenue (${currency})`, days, (d) => minorToMajor(d.revenueMinor[currency] ?? 0, currency)));
  return (
    <Chart label="Attributed revenue per day">
      {() => <BarChart data={data} theme="Light" isAnimated={false} />}
    </Chart>
  );
}
