/** The spans the dashboard's charts cover, in days: shared by the server code and the page's toggle. */
export const GROWTH_SPANS = [30, 90] as const;
export type GrowthSpan = (typeof GROWTH_SPANS)[number];
