import { Badge } from "@shopify/polaris";

const TONES = { subscribed: "success", pending: "attention", unsubscribed: "critical", expired: undefined } as const;

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status as keyof typeof TONES]}>{status}</Badge>;
}
