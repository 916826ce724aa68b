/**
 * Accessibility check for browser tests: axe-core run in the page as it is
 * now. Serious and critical violations fail the test, each named with the
 * elements it found, so the fix is one read away.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";

export interface AxeProblem {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** The serious and critical violations on the page (an empty list when it passes). */
export async function seriousAxeViolations(page: Page): Promise<AxeProblem[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? "unknown",
      help: violation.help,
      targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
    }));
}
