import { TextField, type TextFieldProps } from "@shopify/polaris";
import { useState } from "react";

/** Polaris' TextField is controlled; this keeps its own state so it can sit in a plain Remix <Form>. */
export function FormTextField({
  defaultValue,
  ...props
}: Omit<TextFieldProps, "value" | "onChange" | "autoComplete"> & { name: string; defaultValue?: string | number | null; autoComplete?: string }) {
  const [value, setValue] = useState(defaultValue == null ? "" : String(defaultValue));
  return <TextField {...props} autoComplete={props.autoComplete ?? "off"} value={value} onChange={setValue} />;
}
