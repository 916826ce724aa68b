// State of the SMS box shared by both targets: whether it is ticked, what the
// shopper typed as their number, and what that makes of the consent.

import { useState } from "preact/hooks";
import type { BuyerIdentity, ShippingAddress, SubscribableSignalLike } from "@shopify/ui-extensions/checkout";
import { phoneProblem, toMobileE164, type PhoneProblem } from "./phone";

/**
 * The number the checkout already knows: the buyer's contact phone (needs
 * protected customer data level 2, else `buyerIdentity` is undefined), then the
 * shipping address phone (needs shipping address access).
 */
export function checkoutPhone(api: {
  buyerIdentity?: BuyerIdentity;
  shippingAddress?: SubscribableSignalLike<ShippingAddress | undefined>;
}): string | undefined {
  return api.buyerIdentity?.phone.value || api.shippingAddress?.value?.phone || undefined;
}

export interface ConsentBox {
  ticked: boolean;
  /** The shopper has ticked or unticked (now or earlier in this checkout): their answer is worth recording. */
  answered: boolean;
  /** Plausible number the checkout already has; no phone field is shown then. */
  knownPhone: string | null;
  phoneInput: string;
  /** The shopper has left the phone field at least once: time to say what is wrong with it. */
  phoneCommitted: boolean;
  /** E.164 number the consent would be for, or null. */
  phone: string | null;
  /** Only while ticked. */
  problem: PhoneProblem | null;
  setTicked(ticked: boolean): void;
  setPhoneInput(value: string): void;
  commitPhone(): void;
}

export function useConsentBox(options: {
  initiallyTicked: boolean;
  initialPhoneInput: string;
  checkoutPhone: string | undefined;
  country: string | undefined;
}): ConsentBox {
  const [ticked, setTickedState] = useState(options.initiallyTicked);
  const [answered, setAnswered] = useState(options.initiallyTicked);
  const [phoneInput, setPhoneInput] = useState(options.initialPhoneInput);
  const [phoneCommitted, setPhoneCommitted] = useState(false);

  const knownPhone = toMobileE164(options.checkoutPhone ?? "", options.country);
  const candidate = knownPhone ?? phoneInput;
  return {
    ticked,
    answered,
    knownPhone,
    phoneInput,
    phoneCommitted,
    phone: toMobileE164(candidate, options.country),
    problem: ticked ? phoneProblem(candidate, options.country) : null,
    setTicked(next) {
      setTickedState(next);
      setAnswered(true);
    },
    setPhoneInput,
    commitPhone: () => setPhoneCommitted(true),
  };
}
