/**
 * Small figures of the Compliance page, pure: percentiles of handling times
 * and a duration in words. The queries that gather the numbers are in
 * compliance-report.server.ts.
 */

/**
 * The p-th percentile (0 < p ≤ 100) of values sorted ascending, by the
 * nearest-rank method: the smallest value with at least p% of the values at
 * or below it. Always one of the values (a time that really happened, not an
 * interpolation); null for no values.
 */
export function nearestRankPercentile(sortedAscending: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new Error(`A percentile is between 0 (excluded) and 100, got ${p}`);
  if (sortedAscending.length === 0) return null;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(rank, sortedAscending.length) - 1]!;
}

export interface HandlingTimes {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/** p50, p99 and the longest of a list of durations in milliseconds (any order; the list is sorted in place). */
export function handlingTimesOf(durationsMs: number[]): HandlingTimes {
  durationsMs.sort((a, b) => a - b);
  return {
    count: durationsMs.length,
    p50Ms: nearestRankPercentile(durationsMs, 50),
    p99Ms: nearestRankPercentile(durationsMs, 99),
    maxMs: durationsMs.length ? durationsMs[durationsMs.length - 1]! : null,
  };
}

/**
 * A duration as a person says it: "under 1 ms", "45 ms", "1.2 s", "3 min 20 s",
 * "2 h 5 min". `decimal` formats a number in the merchant's locale.
 */
export function durationInWords(ms: number, decimal: (value: number, maximumFractionDigits?: number) => string = String): string {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`Expected a duration in milliseconds, got ${ms}`);
  if (ms < 1) return "under 1 ms";
  if (Math.round(ms) < 1000) return `${decimal(Math.round(ms), 0)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${decimal(tenths / 10, 1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    const seconds = totalSeconds % 60;
    return `${decimal(Math.floor(totalSeconds / 60), 0)} min${seconds ? ` ${decimal(seconds, 0)} s` : ""}`;
  }
  const minutes = Math.floor(totalSeconds / 60) % 60;
  return `${decimal(Math.floor(totalSeconds / 3600), 0)} h${minutes ? ` ${decimal(minutes, 0)} min` : ""}`;
}
