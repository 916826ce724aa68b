import { BlockStack, Box, InlineStack, List, Text } from "@shopify/polaris";
import type { CheckoutPreview } from "~/setup/checkout-preview";

/** What a shopper sees at checkout: the unticked box, the merchant's text under it and the two links; or why nothing shows. */
export function CheckoutBoxPreview({ preview, text, languageName, id }: { preview: CheckoutPreview; text: string; languageName: string; id: string }) {
  return (
    <BlockStack gap="200">
      <Text as="h4" variant="headingSm">
        {`Checkout preview (${languageName})`}
      </Text>
      <div aria-live="polite">
        {preview.problems.length > 0 ? (
          <List type="bullet">
            {preview.problems.map((problem) => (
              <List.Item key={problem}>
                <Text as="span" tone="critical">
                  {problem}
                </Text>
              </List.Item>
            ))}
          </List>
        ) : null}
      </div>
      <Box borderWidth="025" borderColor="border" borderRadius="200" padding="300" id={id}>
        <BlockStack gap="200">
          <InlineStack gap="200" blockAlign="center" wrap={false}>
            <span
              aria-hidden="true"
              style={{
                width: 16,
                height: 16,
                border: "1px solid #616161",
                borderRadius: 4,
                display: "inline-block",
                flex: "none",
              }}
            />
            <Text as="span">{preview.words.label}</Text>
          </InlineStack>
          <Text as="p" tone="subdued">
            {text.trim() || "(your text)"}
          </Text>
          <InlineStack gap="300">
            <span style={{ textDecoration: "underline" }}>{preview.words.termsLink}</span>
            <span style={{ textDecoration: "underline" }}>{preview.words.privacyLink}</span>
          </InlineStack>
        </BlockStack>
      </Box>
      {preview.wordsInEnglish ? (
        <Text as="p" variant="bodySm" tone="subdued">
          The checkout block has no translation of its own words in this language yet: the box's label and links show in English.
        </Text>
      ) : null}
    </BlockStack>
  );
}
