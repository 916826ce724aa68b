// Shared by the extension's tests: a disclosure as the app writes it, the real
// locale strings, and the parts of the `shopify` global the tester leaves out.

import en from "../locales/en.default.json";
import es from "../locales/es.json";
import fr from "../locales/fr.json";
import type { I18nTranslate } from "@shopify/ui-extensions/checkout";
import type { Disclosure } from "./disclosure";

export const DISCLOSURE = {
  versionId: "dv_01HZX3",
  version: 3,
  brandName: "Acme Outdoors",
  maxMessagesPerMonth: 6,
  termsUrl: "https://acme.example/pages/sms-terms",
  privacyUrl: "https://acme.example/policies/privacy-policy",
  appUrl: "https://sms-consent.example.app",
  texts: {
    en: "By checking this box, you agree to receive recurring automated marketing texts (e.g. cart reminders, offers) from Acme Outdoors at the number provided. Up to 6 msgs/month. Msg & data rates may apply. Reply STOP to cancel, HELP for help. Consent is not a condition of purchase.",
    es: "Al marcar esta casilla, aceptas recibir mensajes de texto de marketing automatizados y recurrentes (p. ej., recordatorios de carrito, ofertas) de Acme Outdoors en el número indicado. Hasta 6 msjs/mes. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para cancelar, HELP para obtener ayuda. El consentimiento no es una condición de compra.",
    fr: "En cochant cette case, vous acceptez de recevoir des SMS marketing automatisés et récurrents (p. ex. rappels de panier, offres) d'Acme Outdoors au numéro indiqué. Jusqu'à 6 msgs/mois. Des frais de messagerie et de données peuvent s'appliquer. Répondez STOP pour vous désabonner, HELP pour obtenir de l'aide. Le consentement n'est pas une condition d'achat.",
  },
} satisfies Disclosure;

export function disclosureEntry(value: unknown = DISCLOSURE) {
  return {
    target: { type: "shop" as const, id: "gid://shopify/Shop/1" },
    metafield: {
      namespace: "$app",
      key: "sms_disclosure",
      value: JSON.stringify(value),
      valueType: "json_string" as const,
      type: "json",
    },
  };
}

const LOCALES = { en, es, fr };

/** shopify.i18n.translate over the extension's own locale file ({{name}} placeholders). */
export function translator(language: keyof typeof LOCALES): I18nTranslate {
  const translate = (key: string, replacements: Record<string, unknown> = {}) => {
    let node: unknown = LOCALES[language];
    for (const part of key.split(".")) node = (node as Record<string, unknown>)[part];
    if (typeof node !== "string") throw new Error(`Missing translation ${language}:${key}`);
    return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(replacements[name]));
  };
  return translate as I18nTranslate;
}

/**
 * The tester's `shopify` mock rejects properties it does not know, and it knows
 * no `buyerIdentity` or `shippingAddress` (optional in the real API).
 */
export function setCheckoutPhone(shopify: object, phone: { buyer?: string; shipping?: string }) {
  const signal = <T>(value: T) => ({ value, current: value, subscribe: () => () => {}, destroy: async () => {} });
  const buyerIdentity = phone.buyer === undefined ? undefined : { phone: signal(phone.buyer) };
  const shippingAddress = phone.shipping === undefined ? undefined : signal({ countryCode: "US", phone: phone.shipping });
  Object.defineProperty(shopify, "buyerIdentity", { value: buyerIdentity, configurable: true, writable: true });
  Object.defineProperty(shopify, "shippingAddress", { value: shippingAddress, configurable: true, writable: true });
}

/** Polaris elements are plain elements in jsdom: set the property, then fire the event the host would. */
export function fire(element: EventTarget, type: "change" | "input", props: { checked?: boolean; value?: string }) {
  Object.assign(element, props);
  element.dispatchEvent(new Event(type));
}

export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
