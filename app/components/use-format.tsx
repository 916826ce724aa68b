/**
 * The merchant's locale and the shop's time zone, read once by the admin
 * layout's loader (app/routes/app.tsx), for every page below it:
 * `const format = useFormat(); format.dateTime(row.createdAt)`.
 */
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { createLocaleFormat, DEFAULT_LOCALE, DEFAULT_TIME_ZONE, type LocaleFormat } from "./locale-format";

const FormatContext = createContext<LocaleFormat | null>(null);

export function FormatProvider({ locale, timeZone, children }: { locale: string; timeZone: string; children: ReactNode }) {
  const format = useMemo(() => createLocaleFormat(locale, timeZone), [locale, timeZone]);
  return <FormatContext.Provider value={format}>{children}</FormatContext.Provider>;
}

/** en-US and UTC outside the admin layout (an error page drawn above it, a component in a test). */
const fallback = createLocaleFormat(DEFAULT_LOCALE, DEFAULT_TIME_ZONE);

export function useFormat(): LocaleFormat {
  return useContext(FormatContext) ?? fallback;
}
