/**
 * The campaign figures derived from counted ones: pure arithmetic, money in
 * integers (minor units of the order's currency; millionths of a US dollar for
 * what texts cost) until the page formats it.
 */

/** Unique clickers over delivered texts; null before anything was delivered. */
export function clickRate(uniqueClickers: number, delivered: number): number | null {
  return delivered === 0 ? null : uniqueClickers / delivered;
}

/** What the sent texts cost: segments × the shop's price of one segment. */
export function costMicros(segmentsSent: number, segmentPriceMicros: number): number {
  return segmentsSent * segmentPriceMicros;
}

export interface RevenueInCurrency {
  currency: string;
  orders: number;
  /** Order totals less their refunds, in minor units of `currency`. */
  revenueMinor: number;
}

export interface RevenueReturn {
  currency: string;
  /** Credited revenue per text sent, in minor units (a fraction: shown rounded). */
  revenuePerTextMinor: number | null;
  /**
   * Credited revenue over what the texts cost, e.g. 12.5 for $12.50 earned per
   * $1 spent. Only for US dollars: the segment price is in US dollars, and the
   * app keeps no exchange rates. Null otherwise, or when nothing was spent.
   */
  returnOnCost: number | null;
}

const MICROS_PER_CENT = 10_000;

/** Revenue per text and return on cost, per currency of credited orders. */
export function revenueReturns(revenue: RevenueInCurrency[], sent: number, spentMicros: number): RevenueReturn[] {
  return revenue.map(({ currency, revenueMinor }) => ({
    currency,
    revenuePerTextMinor: sent === 0 ? null : revenueMinor / sent,
    returnOnCost: currency === "USD" && spentMicros > 0 ? (revenueMinor * MICROS_PER_CENT) / spentMicros : null,
  }));
}

/** Click- and delivery-credited revenue added up per currency (each order is credited once, so nothing counts twice). */
export function totalRevenue(...parts: RevenueInCurrency[][]): RevenueInCurrency[] {
  const byCurrency = new Map<string, RevenueInCurrency>();
  for (const row of parts.flat()) {
    const total = byCurrency.get(row.currency) ?? { currency: row.currency, orders: 0, revenueMinor: 0 };
    total.orders += row.orders;
    total.revenueMinor += row.revenueMinor;
    byCurrency.set(row.currency, total);
  }
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
