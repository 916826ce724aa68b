import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  AMBIGUOUS_IN_TEXT,
  AMBIGUOUS_WHOLE_BODY,
  expandAlternatives,
  HELP_WHOLE_BODY,
  type LanguageTable,
  OPT_IN_WHOLE_BODY,
  OPT_OUT_IN_TEXT,
  OPT_OUT_WHOLE_BODY,
  TWILIO_KEYWORDS,
} from "./keyword-lexicon";
import { classifyInbound, type InboundIntent, normalizeInboundText } from "./keywords";
import { type Language } from "../language/languages";

/** [body, expected language] — null where the word is shared (PARAR: es + pt) or an emoji. */
type Phrasing = [body: string, language: Language | null];

const intentOf = (body: string) => classifyInbound(body).intent;

describe("opt_out", () => {
  const english: Phrasing[] = [
    // The STOP family as a whole body, any case and punctuation.
    ["STOP", "en"], ["stop", "en"], ["Stop.", "en"], ["stop!!", "en"], ["STOP!!!", "en"], ["  stop  ", "en"],
    ["Stop please", "en"], ["please stop", "en"], ["STOPALL", "en"], ["stop all", "en"], ["Unsubscribe", "en"],
    ["UNSUBSCRIBE!", "en"], ["cancel", "en"], ["CANCEL.", "en"], ["end", "en"], ["END", "en"], ["quit", "en"],
    ["REVOKE", "en"], ["optout", "en"], ["opt out", "en"], ["Opt-out", "en"], ["OPT-OUT", "en"], ["opt me out", "en"],
    ["stop stop stop", "en"], ["stop it", "en"], ["Stop it now", "en"], ["stopit", "en"], ["pls stop", "en"],
    ["STOP 🙏", "en"], ["stop?", "en"], ["unsubscribe?", "en"],
    // Misspellings and repeated letters.
    ["stpo", "en"], ["SOTP", "en"], ["stoop", "en"], ["STAHP", "en"], ["stoppp", "en"], ["STOPPPP", "en"],
    ["sttoooppp", "en"], ["unsubscribed", "en"], ["unsuscribe", "en"], ["UNSUBSRIBE", "en"], ["unsubcribe", "en"],
    ["unsubscrbe", "en"], ["unsubscirbe", "en"], ["un-subscribe", "en"], ["s t o p", "en"], ["S.T.O.P", "en"],
    ["cancle", "en"], ["cancelled", "en"],
    // Free-text revocations.
    ["stop texting me", "en"], ["please stop texting me", "en"], ["Stop sending me messages", "en"],
    ["remove me from your list", "en"], ["Remove me", "en"], ["take me off this list", "en"],
    ["Take me off your list please", "en"], ["unsubscribe me", "en"], ["no more messages", "en"],
    ["No more texts!", "en"], ["no more", "en"], ["don't text me anymore", "en"], ["Don't text me", "en"],
    ["don’t message me", "en"], ["do not contact me", "en"], ["Do not text this number", "en"],
    ["I don't want these texts", "en"], ["I do not want to receive your messages", "en"],
    ["wrong number", "en"], ["Wrong #", "en"], ["you have the wrong number", "en"], ["who is this stop", "en"],
    ["leave me alone", "en"], ["I never signed up for this", "en"], ["i didn't sign up for this", "en"],
    ["f*** off stop", "en"], ["f off", "en"], ["go away", "en"], ["this is spam", "en"], ["spam", "en"],
    ["please remove my number", "en"], ["delete my number", "en"], ["lose my number", "en"],
    ["I'm blocking you", "en"], ["reported as spam", "en"], ["I said STOP", "en"], ["How do I unsubscribe?", "en"],
    ["Why won't you stop texting me?", "en"], ["can't you stop texting me", "en"],
    ["why don't you stop already", "en"], ["I want to end my subscription", "en"], ["Please cancel these texts", "en"],
    ["Cancel my order and stop texting me", "en"], ["Stop texting me about my order", "en"],
    ["Stop! Where is my order?", "en"], ["Cancel my subscription", "en"], ["put an end to these texts", "en"],
    ["stop sending me promos for items I already bought", "en"], ["stop texting me, my order is fine", "en"],
    // Decided: a clear "no" to further marketing is honoured as a revocation.
    ["not interested", "en"], ["Not interested, thanks", "en"], ["no thanks", "en"], ["No thank you", "en"],
    ["pause", "en"],
  ];
  it.each(english)("English: %j", (body, language) => {
    expect(classifyInbound(body)).toMatchObject({ intent: "opt_out", language });
  });

  const otherLanguages: Phrasing[] = [
    // Spanish
    ["PARAR", null], ["parar por favor", null], ["parar gracias", "es"], ["ALTO", "es"], ["Alto!", "es"],
    ["baja", "es"], ["BAJA por favor", "es"], ["CANCELAR", null], ["no más", "es"], ["No mas", "es"],
    ["no más mensajes", "es"], ["darme de baja", "es"], ["quiero darme de baja", "es"],
    ["dame de baja por favor", "es"], ["ya no quiero recibir mensajes", "es"], ["no me envíen más mensajes", "es"],
    ["dejen de enviarme mensajes", "es"], ["quítame de la lista", "es"], ["sácame de esta lista", "es"],
    ["desuscribirme", "es"], ["número equivocado", "es"], ["no gracias", "es"], ["ya basta", "es"],
    ["cancelar suscripción", "es"], ["déjenme en paz", "es"], ["¿Por qué no paran de escribirme?", "es"],
    // French
    ["ARRET", "fr"], ["ARRÊT", "fr"], ["arrêt", "fr"], ["ARRETE", "fr"], ["arrête", "fr"], ["Arrêtez", "fr"],
    ["désabonner", "fr"], ["desabonner", "fr"], ["me désabonner svp", "fr"], ["se désinscrire", "fr"],
    ["je veux me désabonner", "fr"], ["désinscription", "fr"], ["annuler", "fr"], ["plus de SMS", "fr"],
    ["je ne veux plus de messages", "fr"], ["ne m'envoyez plus de SMS", "fr"],
    ["arrêtez de m'envoyer des messages", "fr"], ["retirez-moi de la liste", "fr"], ["non merci", "fr"],
    ["mauvais numéro", "fr"],
    // German
    ["STOPP", "de"], ["stopp bitte", "de"], ["ABMELDEN", "de"], ["bitte abmelden", "de"], ["Abbestellen", "de"],
    ["keine SMS mehr", "de"], ["Keine Nachrichten mehr bitte", "de"], ["Ich möchte mich abmelden", "de"],
    ["Hör auf mir zu schreiben", "de"], ["Bitte schreiben Sie mir nicht mehr", "de"], ["nein danke", "de"],
    ["kein Interesse", "de"], ["falsche Nummer", "de"], ["Meine Nummer löschen", "de"], ["Austragen", "de"],
    ["Kündigen", "de"], ["widerrufen", "de"], ["Lasst mich in Ruhe", "de"],
    // Portuguese
    ["SAIR", "pt"], ["sair", "pt"], ["quero sair da lista", "pt"], ["cancelar inscrição", "pt"],
    ["descadastrar", "pt"], ["me descadastre", "pt"], ["não quero mais", "pt"],
    ["Não quero mais receber mensagens", "pt"], ["não me envie mais mensagens", "pt"],
    ["parem de enviar mensagens", "pt"], ["me tire da lista", "pt"], ["número errado", "pt"],
    ["não obrigado", "pt"], ["parar obrigado", "pt"], ["me deixe em paz", "pt"], ["fim", "pt"],
    // Italian
    ["BASTA", null], ["basta grazie", "it"], ["basta messaggi", "it"], ["ANNULLA", "it"], ["disiscrivimi", "it"],
    ["disiscrivimi per favore", "it"], ["cancellami", "it"], ["rimuovimi dalla lista", "it"],
    ["non voglio più messaggi", "it"], ["smettila di scrivermi", "it"], ["smettetela", "it"], ["no grazie", "it"],
    ["numero sbagliato", "it"], ["lasciatemi in pace", "it"], ["non mi interessa", "it"],
    // Emoji: language unknown unless a filler tells.
    ["🛑", null], ["⛔️", null], ["🚫", null], ["✋", null], ["✋🏽", null], ["🔕", null], ["🛑🛑🛑", null],
    ["🛑 por favor", null], ["🛑 gracias", "es"], ["no 🛑", null], ["🛑 texting me", null],
  ];
  it.each(otherLanguages)("other languages and emoji: %j", (body, language) => {
    expect(classifyInbound(body)).toMatchObject({ intent: "opt_out", language });
  });

  it.each([
    ["Please stop texting me", "stop"],
    ["remove me from your list", "remove me"],
    ["take me off this list", "take me off"],
    ["ARRÊT", "arrêt"],
    ["arret", "arret"],
    ["no más", "no más"],
    ["unsubscirbe", "unsubscirbe"],
    ["🛑", "🛑"],
    ["I never signed up for this", "never signed up"],
  ])("records the deciding phrase: %j → %j", (body, matched) => {
    expect(classifyInbound(body).matched).toBe(matched);
  });
});

describe("not an opt-out (negation and context)", () => {
  const traps: Array<[string, InboundIntent]> = [
    ["Don't stop sending me coupons!", "other"],
    ["Never stop the deals", "other"],
    ["When does the sale end?", "other"],
    ["How do I cancel my order?", "other"],
    ["Can I cancel my subscription box order?", "other"],
    ["Stop by the store later?", "other"],
    ["I'll stop by tomorrow", "other"],
    ["the weekend sale ends when?", "other"],
    ["Is the sale over? Can't stop shopping", "other"],
    ["end of season sale?", "other"],
    ["don't unsubscribe me", "other"],
    ["Please cancel my order #1234", "other"],
    ["I need to cancel order 5521", "other"],
    ["cancel the shipment please", "other"],
    ["Can you stop my order? wrong size", "other"],
    ["Do not cancel my order", "other"],
    ["I can't wait for the sale to end", "other"],
    ["What's the end date of the promo?", "other"],
    ["love your high end stuff", "other"],
    ["Happy weekend!", "other"],
    ["Love it, never stop!", "other"],
    ["Non-stop deals this week?", "other"],
    ["Your one stop shop for gifts", "other"],
    ["Which bus stop is closest to the store?", "other"],
    ["Don't ever stop texting me deals", "other"],
    ["I don't want to unsubscribe", "other"],
    ["I stopped by yesterday", "other"],
    ["stopping by later", "other"],
    ["Is the deal ending soon?", "other"],
    ["Cancelar mi pedido", "other"],
    ["Quiero cancelar mi pedido", "other"],
    ["no quiero cancelar", "other"],
    ["Je veux annuler ma commande", "other"],
    ["ne pas arrêter les promos", "other"],
    ["n'arrêtez pas les promos!", "other"],
    ["Bestellung stornieren", "other"],
    ["nicht abmelden", "other"],
    ["Posso cancelar a encomenda?", "other"],
    ["Annulla il mio ordine", "other"],
    ["Is this subscription worth it?", "other"],
    ["Is there a stop date for the promo?", "other"],
    ["Stop sending me the wrong sizes lol", "other"],
    ["Stop my order", "other"],
    ["Don't 🛑 the deals", "other"],
    ["Subscribe me!", "opt_in"],
    ["help, where is my order?", "other"],
  ];
  it.each(traps)("%j → %s", (body, intent) => {
    expect(intentOf(body)).toBe(intent);
  });
});

describe("ambiguous_opt_out", () => {
  const unclear: Phrasing[] = [
    ["too many texts", "en"], ["Too many messages!!", "en"], ["enough", "en"], ["ENOUGH!", "en"],
    ["why do you keep texting me", "en"], ["Why do you keep texting me??", "en"], ["pls no", "en"], ["no", null],
    ["nope", "en"], ["not interested in the new collection", "en"], ["these texts never stop", "en"],
    ["you never stop texting me", "en"], ["how did you get my number?", "en"], ["who gave you my number", "en"],
    ["is this a scam?", "en"], ["scam", "en"], ["less texts please", "en"], ["bye", "en"],
    ["When does it end?", "en"], ["who is this? too many texts", "en"],
    ["👎", null], ["❌", null],
    ["demasiados mensajes", "es"], ["ya no", "es"], ["ça suffit", "fr"], ["trop de messages", "fr"],
    ["genug", "de"], ["zu viele Nachrichten", "de"], ["nein", "de"], ["chega", "pt"], ["não", "pt"],
    ["troppi messaggi", "it"], ["non", null],
  ];
  it.each(unclear)("%j", (body, language) => {
    expect(classifyInbound(body)).toMatchObject({ intent: "ambiguous_opt_out", language });
  });
});

describe("help", () => {
  const requests: Phrasing[] = [
    ["HELP", "en"], ["help", "en"], ["Help!", "en"], ["help me", "en"], ["help please", "en"], ["HELP?", "en"],
    ["info", "en"], ["INFO", "en"], ["info please", "en"], ["more info", "en"], ["information", "en"],
    ["who is this?", "en"], ["Who's this?", "en"], ["who’s this", "en"], ["who dis", "en"], ["what is this?", "en"],
    ["hi, who is this?", "en"],
    ["AYUDA", "es"], ["ayuda por favor", "es"], ["INFORMACIÓN", "es"], ["quién es?", "es"], ["Quien es", "es"],
    ["AIDE", "fr"], ["aide svp", "fr"], ["qui est-ce?", "fr"], ["c'est qui?", "fr"],
    ["HILFE", "de"], ["Hilfe bitte", "de"], ["wer ist das?", "de"],
    ["AJUDA", "pt"], ["quem é?", "pt"],
    ["AIUTO", "it"], ["chi è?", "it"], ["informazioni", "it"],
  ];
  it.each(requests)("%j", (body, language) => {
    expect(classifyInbound(body)).toMatchObject({ intent: "help", language });
  });

  it.each(["help stop", "HELP STOP", "info? unsubscribe", "who is this stop texting me", "ayuda, quiero darme de baja"])(
    "revocation beats help: %j",
    (body) => {
      expect(intentOf(body)).toBe("opt_out");
    },
  );
});

describe("opt_in", () => {
  const confirmations: Phrasing[] = [
    ["START", "en"], ["start", "en"], ["Start!", "en"], ["UNSTOP", "en"], ["YES", "en"], ["yes", "en"],
    ["Yes!", "en"], ["Y", "en"], ["y", "en"], ["yes please", "en"], ["Yes please!!", "en"], ["yesss", "en"],
    ["YES 🎉", "en"], ["yeah", "en"], ["subscribe", "en"], ["resubscribe", "en"], ["sign me up", "en"],
    ["opt in", "en"], ["start again", "en"],
    ["SÍ", "es"], ["sí", "es"], ["Si", null], ["SI", null], ["si gracias", "es"], ["comenzar", "es"], ["ALTA", "es"],
    ["sì", "it"], ["Sì grazie", "it"], ["INIZIA", "it"], ["iscrivimi", "it"],
    ["OUI", "fr"], ["oui merci", "fr"], ["COMMENCER", "fr"],
    ["JA", "de"], ["ja bitte", "de"], ["ANMELDEN", "de"],
    ["SIM", "pt"], ["sim obrigado", "pt"], ["começar", "pt"],
  ];
  it.each(confirmations)("%j", (body, language) => {
    expect(classifyInbound(body)).toMatchObject({ intent: "opt_in", language });
  });

  it.each(["yes?", "Y?", "ok", "okay", "sure", "👍", "yes I got it thanks", "start my order"])(
    "not a clear yes: %j",
    (body) => {
      expect(intentOf(body)).toBe("other");
    },
  );

  it.each(["yes stop", "YES STOP", "start? no, stop"])("revocation beats consent: %j", (body) => {
    expect(intentOf(body)).toBe("opt_out");
  });

  describe("the shop's extra keywords", () => {
    const extraOptInKeywords = ["JOIN", "deals", "VIP club"];
    it.each([
      ["JOIN", "JOIN"],
      ["join", "JOIN"],
      ["Join now!", "JOIN"],
      ["DEALS", "deals"],
      ["vip club", "VIP club"],
    ])("%j → opt_in (matched %j)", (body, matched) => {
      expect(classifyInbound(body, { extraOptInKeywords })).toEqual({
        intent: "opt_in",
        language: null,
        matched,
        twilioKeyword: null,
      });
    });

    it.each([
      ["join the club", "other"],
      ["join?", "other"],
      ["where are the deals", "other"],
    ])("whole body only: %j → %s", (body, intent) => {
      expect(classifyInbound(body, { extraOptInKeywords }).intent).toBe(intent);
    });

    it("never turn STOP or HELP into a join", () => {
      const options = { extraOptInKeywords: ["STOP", "HELP", "END"] };
      expect(classifyInbound("stop", options).intent).toBe("opt_out");
      expect(classifyInbound("END", options).intent).toBe("opt_out");
      expect(classifyInbound("help", options).intent).toBe("help");
    });

    it("are not keywords without the option", () => {
      expect(intentOf("JOIN")).toBe("other");
    });
  });
});

describe("other", () => {
  it.each([
    "Where is my order?", "Thanks!", "thank you so much", "👍", "😀", "Love the new collection",
    "What time do you close?", "Is this in stock in size M?", "", "   ", "?", "lol", "123456",
    "Can I get a discount code?", "no problem", "sounds good", "Hola, ¿tienen envío gratis?",
    "Merci pour la livraison", "Danke für die schnelle Lieferung", "Obrigado pela entrega", "Grazie mille per lo sconto",
  ])("%j", (body) => {
    expect(classifyInbound(body)).toEqual({ intent: "other", language: null, matched: null, twilioKeyword: null });
  });
});

describe("twilioKeyword", () => {
  it.each([
    ["stop", "STOP"], ["STOP", "STOP"], [" Stop ", "STOP"], ["\tstop\n", "STOP"], ["stopall", "STOP"],
    ["UNSUBSCRIBE", "STOP"], ["cancel", "STOP"], ["end", "STOP"], ["quit", "STOP"], ["revoke", "STOP"],
    ["OPTOUT", "STOP"], ["start", "START"], ["yes", "START"], ["YES", "START"], ["unstop", "START"], ["help", "HELP"],
    ["info", "HELP"], ["INFO", "HELP"],
    ["Stop please", null], ["stop.", null], ["STOP ALL", null], ["opt out", null], ["ARRET", null], ["STOPP", null],
    ["y", null], ["info please", null], ["stoppp", null], ["🛑", null],
  ] as const)("%j → %s", (body, keyword) => {
    expect(classifyInbound(body).twilioKeyword).toBe(keyword);
  });

  const expectedIntent = { STOP: "opt_out", START: "opt_in", HELP: "help" } as const;
  const intercepted = (Object.keys(TWILIO_KEYWORDS) as Array<keyof typeof TWILIO_KEYWORDS>).flatMap((keyword) =>
    TWILIO_KEYWORDS[keyword].map((body) => [body, keyword] as const),
  );
  it.each(intercepted)(
    "every body Twilio intercepts agrees with our intent: %j",
    (body, keyword) => {
      expect(classifyInbound(body.toUpperCase()).intent).toBe(expectedIntent[keyword]);
    },
  );
});

describe("the lexicon", () => {
  const phrases = (table: LanguageTable) =>
    Object.values(table).flatMap((patterns) => (patterns ?? []).flatMap(expandAlternatives));

  it.each([
    ["opt_out", OPT_OUT_WHOLE_BODY],
    ["ambiguous_opt_out", AMBIGUOUS_WHOLE_BODY],
    ["help", HELP_WHOLE_BODY],
    ["opt_in", OPT_IN_WHOLE_BODY],
  ] as const)("every whole-body %s entry classifies as such", (intent, table) => {
    const wrong = phrases(table).filter((phrase) => intentOf(phrase) !== intent);
    expect(wrong).toEqual([]);
  });

  it("every in-text opt-out phrase opts out, alone and inside a sentence", () => {
    const wrong = phrases(OPT_OUT_IN_TEXT).filter(
      (phrase) => intentOf(phrase) !== "opt_out" || intentOf(`Hi there. ${phrase}. Thanks`) !== "opt_out",
    );
    expect(wrong).toEqual([]);
  });

  it("every in-text ambiguous phrase asks, unless it is a whole-body opt-out", () => {
    const wholeBodyOptOuts = new Set(phrases(OPT_OUT_WHOLE_BODY));
    const wrong = phrases(AMBIGUOUS_IN_TEXT).filter(
      (phrase) => !wholeBodyOptOuts.has(phrase) && intentOf(`Hi there. ${phrase}. Thanks`) !== "ambiguous_opt_out",
    );
    expect(wrong).toEqual([]);
  });
});

describe("properties", () => {
  // The test's own reading of a body, mirroring the classifier's tokeniser
  // (after the shared normalisation, tested above), so "contains no opt-out
  // vocabulary" is decided independently of its rules.
  const fold = (text: string) =>
    text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/ß/g, "ss").replace(/đ/g, "d").normalize("NFC");
  const squeeze = (word: string) => word.replace(/(.)\1+/gu, "$1");
  const words = (text: string) =>
    (
      normalizeInboundText(text)
        .toLowerCase()
        .replace(/['’‘ʼ`´′]/g, "")
        .replace(/#(?![\p{L}\p{N}])/gu, " number ")
        .replace(/\p{Script=Han}/gu, " $& ")
        .match(/[\p{L}\p{N}\p{M}]+|[🛑⛔🚫✋🤚🔕👎🙅❌]/gu) ?? []
    )
      .map((word) => squeeze(fold(word)))
      .filter(Boolean);

  const optOutVocabulary = new Set(
    [OPT_OUT_WHOLE_BODY, OPT_OUT_IN_TEXT]
      .flatMap((table) => Object.values(table).flatMap((patterns) => (patterns ?? []).flatMap(expandAlternatives)))
      .flatMap(words),
  );
  // Misspellings the classifier reads as STOP-family words: one slip from the word (digits as letters).
  const family = ["stop", "stopal", "unsubscribe", "cancel", "optout", "revoke", "quit"];
  const oneSlipApart = (a: string, b: string): boolean => {
    if (a.length === b.length) {
      const diff = [...a].flatMap((char, i) => (char === b[i] ? [] : [i]));
      return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
    }
    const [short, long] = a.length < b.length ? [a, b] : [b, a];
    return long.length - short.length === 1 && long.length >= 6 && [...long].some((_, i) => long.slice(0, i) + long.slice(i + 1) === short);
  };
  const isMisspeltFamilyWord = (word: string) => {
    const letters = squeeze(word.replace(/[013457]/g, (digit) => "oieast"[["0", "1", "3", "4", "5", "7"].indexOf(digit)]!));
    return family.some((member) => oneSlipApart(letters, member) || (letters === member && letters !== word));
  };
  const hasOptOutVocabulary = (body: string) => {
    const found = words(body);
    const spelledOut = found.length >= 2 && found.every((word) => word.length === 1) ? [found.join("")] : [];
    return [...found, ...spelledOut].some(
      (word) => optOutVocabulary.has(squeeze(word)) || (word.startsWith("un") && word.length >= 5) || isMisspeltFamilyWord(word),
    );
  };

  const decoys = [
    "sale", "order", "coupon", "deals", "love", "shirt", "size", "when", "does", "weekend", "shopping", "shipping",
    "discount", "great", "awesome", "ends", "stopped", "cancellation", "canceled", "ending", "subscription", "yes",
    "help", "who", "pedido", "commande", "bestellung", "ordine", "encomenda", "gracias", "merci", "danke", "grazie",
    "obrigado", "👍", "😀", "🎉",
  ].filter((word) => !hasOptOutVocabulary(word));
  const randomWord = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzéèàñüöç"), minLength: 1, maxLength: 9 });
  const separator = fc.constantFrom(" ", "  ", ", ", "! ", "? ", ". ", "\n", " - ", "'", "’", "/", " #");
  const sentence = (word: fc.Arbitrary<string>) =>
    fc.array(fc.tuple(word, separator), { minLength: 1, maxLength: 12 }).map((parts) => parts.flat().join(""));

  it("never opts out without opt-out vocabulary (words)", () => {
    const body = sentence(fc.oneof(randomWord, fc.constantFrom(...decoys))).filter((text) => !hasOptOutVocabulary(text));
    fc.assert(
      fc.property(body, (text) => {
        expect(classifyInbound(text).intent).not.toBe("opt_out");
      }),
      { numRuns: 2000 },
    );
  });

  it("never opts out without opt-out vocabulary (any unicode)", () => {
    const body = fc.string({ unit: "grapheme", maxLength: 60 }).filter((text) => !hasOptOutVocabulary(text));
    fc.assert(
      fc.property(body, (text) => {
        expect(classifyInbound(text).intent).not.toBe("opt_out");
      }),
      { numRuns: 2000 },
    );
  });

  const lexiconWord = fc.constantFrom(
    ...[OPT_OUT_WHOLE_BODY, OPT_OUT_IN_TEXT, AMBIGUOUS_WHOLE_BODY, AMBIGUOUS_IN_TEXT, HELP_WHOLE_BODY, OPT_IN_WHOLE_BODY]
      .flatMap((table) => Object.values(table).flatMap((patterns) => (patterns ?? []).flatMap(expandAlternatives))),
    "don't", "never", "by", "order", "sale", "when", "please", "por favor", "the",
  );
  const anyBody = fc.oneof(
    lexiconWord,
    sentence(fc.oneof(lexiconWord, randomWord)),
    fc.string({ unit: "grapheme", maxLength: 40 }),
  );

  it("is invariant under case changes", () => {
    fc.assert(
      fc.property(anyBody, fc.array(fc.boolean(), { minLength: 1 }), (text, upper) => {
        const recased = [...text].map((char, i) => (upper[i % upper.length] ? char.toUpperCase() : char.toLowerCase())).join("");
        expect(classifyInbound(recased)).toEqual(classifyInbound(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("is invariant under surrounding whitespace", () => {
    const space = fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\r", "\u00a0"), maxLength: 4 });
    fc.assert(
      fc.property(anyBody, space, space, (text, before, after) => {
        expect(classifyInbound(before + text + after)).toEqual(classifyInbound(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("invisible and compatibility characters", () => {
  const ZWSP = "\u200b";
  const ZWJ = "\u200d";
  const ZWNJ = "\u200c";
  const BOM = "\ufeff";
  const SOFT_HYPHEN = "\u00ad";
  const WORD_JOINER = "\u2060";
  const NBSP = "\u00a0";
  const VS16 = "\ufe0f";

  it.each([
    `S${ZWSP}TOP`, `ST${ZWJ}OP`, `STO${ZWNJ}P`, `${BOM}STOP`, `ST${SOFT_HYPHEN}OP`, `S${WORD_JOINER}T${ZWSP}O${ZWJ}P`,
    `un${SOFT_HYPHEN}sub${SOFT_HYPHEN}scribe`, `${ZWSP}cancel${ZWSP}`, `q${VS16}uit`, `\u202eSTOP\u202c`,
    "ＳＴＯＰ", "ｓｔｏｐ ｐｌｅａｓｅ", "ＵＮＳＵＢＳＣＲＩＢＥ", `Ｓ${ZWSP}Ｔ${SOFT_HYPHEN}Ｏ${WORD_JOINER}Ｐ`, "ＳＴＯＰ！！",
    "𝐒𝐓𝐎𝐏", "𝘴𝘵𝘰𝘱", "𝕊𝕋𝕆ℙ", "ⓈⓉⓄⓅ", "🅂🅃🄾🄿", "🆂🆃🅾🅿", "🅢🅣🅞🅟", "🇸🇹🇴🇵", "ꜱᴛᴏᴘ", "⒮⒯⒪⒫",
    `opt${NBSP}out`, `stop${NBSP}texting${NBSP}me`, "stop\u3000texting me", `remove${NBSP}${NBSP}me`,
    "🙄STOP🙄", "❤️unsubscribe❤️", "👉 stop 👈", "STOP🙏🏽", "sToP", "UnSuBsCrIbE", "STOP!!!!!!!", "...stop...",
    "stop?!?!", "S-T-O-P", "s.t.o.p.", "stop‼️", "«stop»", "“STOP”", "تـوقـف", "ＳＴＯＰ\r\n",
  ])("%j opts out", (body) => {
    expect(intentOf(body)).toBe("opt_out");
  });

  it.each([
    ["ＨＥＬＰ", "help"], [`HE${ZWSP}LP`, "help"], [`who${NBSP}is this？`, "help"], ["ｙｅｓ", "opt_in"], [`Y${ZWSP}ES`, "opt_in"],
    ["ｗｈｅｎ ｄｏｅｓ ｔｈｅ ｓａｌｅ ｅｎｄ？", "other"], [`Don${ZWSP}'t stop the deals`, "other"], ["ｙｅｓ？", "other"],
  ] as const)("%j → %s", (body, intent) => {
    expect(intentOf(body)).toBe(intent);
  });

  it("normalises in one place: compatibility forms folded, format characters dropped, spaces folded, case kept", () => {
    expect(normalizeInboundText(`Ｓ${ZWSP}ｔ${SOFT_HYPHEN}ＯＰ`)).toBe("StOP");
    expect(normalizeInboundText(`${BOM}stop${NBSP}\t texting\u3000me`)).toBe("stop texting me");
    expect(normalizeInboundText("line one\r\n\r\nline two")).toBe("line one\nline two");
    expect(normalizeInboundText("🇸🇹🇴🇵 ꜱᴛᴏᴘ 🆂🆃🅾🅿")).toBe("stop stop stop");
    expect(normalizeInboundText("ﬁne ①")).toBe("fine 1");
  });

  it("leaves Twilio's exact-keyword verdict to the raw body, as Twilio reads it", () => {
    expect(classifyInbound(`S${ZWSP}TOP`)).toMatchObject({ intent: "opt_out", twilioKeyword: null });
    expect(classifyInbound("ＳＴＯＰ")).toMatchObject({ intent: "opt_out", twilioKeyword: null });
  });
});

describe("formal withdrawals of consent", () => {
  it.each([
    "I withdraw my consent to receive text messages from you", "I withdraw my consent", "I hereby withdraw my consent.",
    "I no longer consent", "I no longer consent to these messages", "I revoke my consent", "I am revoking my consent",
    "consent withdrawn", "Consent is withdrawn.", "Consent revoked", "I do not consent to receive texts",
    "I don't consent to this", "remove my consent", "Please remove my consent for marketing",
    "I rescind my consent to be contacted", "You do not have my permission to text me", "I withdraw permission",
    "I do not agree to receive these messages", "I no longer wish to receive messages from your company",
    "This is my revocation of consent under the TCPA", "I am opting out", "I did not consent to this",
    "Retiro mi consentimiento", "je retire mon consentement", "Ich ziehe meine Einwilligung zurück",
    "revogo o meu consentimento", "revoco il consenso",
  ])("%j opts out", (body) => {
    expect(intentOf(body)).toBe("opt_out");
  });

  it.each(["I consent", "I don't withdraw my consent", "I do not want to withdraw my consent"])("%j does not", (body) => {
    expect(intentOf(body)).not.toBe("opt_out");
  });
});

describe("questions about who is texting and what the texts are", () => {
  it.each([
    "who's texting me?", "Who is texting me", "who is this", "Who is this??", "whos this", "who are you?", "who dis",
    "what is this number", "What's this number?", "what's this number for?", "what is this?", "what is this about?", "whose number is this?",
    "who sent this?", "what company is this?", "why am I getting these", "Why am I getting these texts?",
    "why am i receiving this message", "why did I get this text?", "how do I get help", "How can I get more info?",
    "I need help", "need help!", "can you help me", "Can someone help me?", "could you help me please",
    "Hi. Who is this? Why am I getting these?", "hello, who is this", "Who is this? What is this number?",
    "¿Quién me escribe?", "¿De quién es este número?",
  ])("%j gets the HELP reply", (body) => {
    expect(intentOf(body)).toBe("help");
  });

  it.each([
    ["Who is this? Where is my order?", "other"],
    ["can you help me find my order", "other"],
    ["help, where is my order?", "other"],
    ["why do I keep getting these", "ambiguous_opt_out"],
    ["why am I still getting these texts", "ambiguous_opt_out"],
    ["who is this? stop", "opt_out"],
    ["why am I getting these? unsubscribe me", "opt_out"],
  ] as const)("%j → %s", (body, intent) => {
    expect(intentOf(body)).toBe(intent);
  });
});

describe("coming back in one's own words", () => {
  it.each([
    "sign me back up", "Sign me back up!", "please sign me back up", "I want your texts again", "i want your texts back",
    "resubscribe me", "Resubscribe me please", "please add me back", "add me back", "opt me back in", "Opt back in",
    "start sending me texts again", "start texting me again", "resume texts", "put me back on the list",
    "I want to resubscribe", "I'd like to rejoin", "I would like to receive your messages again", "subscribe me again",
    "count me back in", "text me again", "send me deals again", "I want the texts back",
  ])("%j opts in", (body) => {
    expect(classifyInbound(body)).toMatchObject({ intent: "opt_in", language: "en", twilioKeyword: null });
  });

  it.each([
    ["don't sign me back up", "other"],
    ["I miss your texts", "other"],
    ["I want the deals", "other"],
    ["sign me back up?", "other"],
    ["never text me again", "opt_out"],
    ["don't text me again", "opt_out"],
    ["sign me back up. actually no, stop", "opt_out"],
  ] as const)("%j → %s", (body, intent) => {
    expect(intentOf(body)).toBe(intent);
  });
});

describe("end, quit and cancel about something else", () => {
  it.each([
    "when does the sale end?", "does the promo end tonight", "Does the promo end tonight?", "what time does it end",
    "What time does the sale end", "when does it end", "did the sale end already?", "does the discount end soon",
    "quit smoking", "I quit smoking last year!", "trying to quit vaping", "I just quit my job lol",
    "my son quit the team", "cancel my order", "Please cancel my order #4411", "cancel my account on your website",
    "how do I cancel my subscription box", "cancel my membership on the site", "can you cancel my appointment",
    "I want to cancel my rewards account", "cancel the payment please",
  ])("%j is never an opt-out (at most one clarifying question)", (body) => {
    expect(["other", "ambiguous_opt_out"]).toContain(intentOf(body));
  });

  it.each([
    "cancel", "end", "quit", "CANCEL", "End.", "Quit!", "cancel texts", "stop sending", "unsubscribe me",
    "stop texting me please", "leave me alone", "remove me from this list", "quit texting me", "quit bothering me",
    "quit blowing up my phone", "quit sending me promos", "quit everything", "cancel these texts", "end these texts", "end it",
    "cancel my account and stop texting me", "when will these texts end", "cancel my subscription",
    "I quit", "cancel all", "end all texts", "please cancel my text subscription",
  ])("%j opts out", (body) => {
    expect(intentOf(body)).toBe("opt_out");
  });
});

describe("other languages and scripts", () => {
  // Recognised for revocation and help whatever languages the shop replies in;
  // language null because the app has no reply wording in them.
  it.each([
    // Chinese (simplified and traditional)
    "停止", "退订", "退訂", "取消订阅", "取消訂閱", "TD", "td", "请停止", "停止，谢谢", "请停止发送短信", "不要再发了",
    "别再发短信了", "我要退订", "取消", "停",
    // Tagalog
    "TIGIL", "tigil na po", "HINTO", "hinto na", "itigil", "Itigil nyo na po ang pag-text", "tama na", "Tama na po", "ayoko na",
    // Vietnamese, with and without diacritics
    "DỪNG", "dừng", "DUNG", "dung lai", "HỦY", "huy", "Hủy đăng ký", "huy dang ky", "ngừng", "vui lòng dừng gửi tin nhắn",
    "làm ơn đừng gửi nữa", "xin hủy đăng ký",
    // Arabic, with and without hamza
    "توقف", "إلغاء", "الغاء", "إيقاف", "ايقاف", "إلغاء الاشتراك", "الغاء الاشتراك من فضلك", "من فضلك توقف عن إرسال الرسائل",
    "لا ترسل لي رسائل",
    // Korean
    "중지", "그만", "수신거부", "수신 거부", "구독취소", "문자 그만 보내세요", "제발 그만", "취소", "스톱",
    // Russian
    "СТОП", "стоп", "ОТПИСАТЬСЯ", "отписаться", "Отписка", "отпишите меня", "хватит", "Пожалуйста, не пишите мне больше",
    "прекратите присылать сообщения", "хочу отказаться от рассылки",
  ])("%j opts out", (body) => {
    expect(classifyInbound(body)).toMatchObject({ intent: "opt_out", language: null });
  });

  it.each([
    "帮助", "幫助", "求助", "你是谁？", "TULONG", "tulong po", "GIÚP", "giup", "trợ giúp", "tro giup", "مساعدة", "مساعده",
    "도움말", "도와주세요", "ПОМОЩЬ", "помогите", "кто это?",
  ])("%j gets the HELP reply", (body) => {
    expect(classifyInbound(body)).toMatchObject({ intent: "help", language: null });
  });

  it.each([
    ["不要停止发送优惠", "other"],
    ["取消订单", "other"],
    ["주문 취소", "other"],
    ["đúng rồi", "other"],
    ["dùng thử", "other"],
    ["không dừng", "other"],
    ["не отписывайте меня", "other"],
    ["huwag itigil", "other"],
    ["стоп, стоп, стоп!", "opt_out"],
  ] as const)("%j → %s", (body, intent) => {
    expect(intentOf(body)).toBe(intent);
  });
});

describe("the STOP family survives any decoration (property)", () => {
  const family = fc.constantFrom(...TWILIO_KEYWORDS.STOP, "opt out", "stop all", "opt-out");
  const invisible = fc.constantFrom("\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u180e", "\u200e", "\ufe0f", "");
  const around = fc.constantFrom(
    "", " ", "  ", "\u00a0", "\u3000", "\n", "!", "!!!", "?", "...", ".", ",", "‼️", "🙏", "🛑", "😡", "🙄🙄", "👉 ", "\"", "“", "*",
  );
  const neutral = fc.constantFrom("please", "now", "i said", "hey", "ok", "thanks", "seriously", "already", "omg", "pls");

  /** Random case per letter, optionally full-width, an invisible character between any two. */
  const decorated = fc
    .tuple(family, fc.array(fc.boolean(), { minLength: 1 }), fc.boolean(), fc.array(invisible, { minLength: 1 }))
    .map(([word, upper, fullWidth, gaps]) =>
      [...word]
        .map((char, i) => (upper[i % upper.length] ? char.toUpperCase() : char.toLowerCase()))
        .map((char) => (fullWidth && /[a-z]/i.test(char) ? String.fromCharCode(char.charCodeAt(0) + 0xfee0) : char))
        .map((char, i) => char + gaps[i % gaps.length]!)
        .join(""),
    );

  it("a decorated STOP-family word on its own opts out", () => {
    fc.assert(
      fc.property(fc.array(around, { maxLength: 3 }), decorated, fc.array(around, { maxLength: 3 }), (before, word, after) => {
        expect(intentOf(before.join("") + word + after.join(""))).toBe("opt_out");
      }),
      { numRuns: 3000 },
    );
  });

  it("a decorated STOP-family word among neutral words opts out", () => {
    const words = fc.array(fc.tuple(neutral, around), { maxLength: 3 });
    fc.assert(
      fc.property(words, around, decorated, around, words, (before, left, word, right, after) => {
        const sentence = [...before.map(([w, p]) => `${w}${p} `), left, word, right, ...after.map(([w, p]) => ` ${w}${p}`)].join("");
        expect(intentOf(sentence)).toBe("opt_out");
      }),
      { numRuns: 3000 },
    );
  });
});

describe("revocations read as 'other' before (round 2)", () => {
  it.each([
    // Off the list, with or without "me".
    "Remove from list", "delete this number from your list", "remove this number from your list", "take my number off the list",
    "Please remove from the texting list", "erase my number from your database",
    // Not the person who signed up.
    "This isn't my number", "this is not my phone", "wrong number", "Wrong number buddy", "I didn't ask for this",
    "I never asked for these texts", "did not ask to receive these", "I don't know who this is",
    // Do-not-disturb, cease, halt, terminate, count me out.
    "do not disturb", "DND", "dnd please", "please cease", "cease and desist", "CEASE", "halt", "please halt all messages",
    "terminate", "terminate these texts", "count me out", "Count me out!",
    // Rather not, enough with, done with.
    "I'd rather not get these anymore", "I would prefer not to receive these", "rather not be texted", "enough with the texts",
    "keep your texts to yourself, stop", "I didn't ask for this", "stop! and text me nothing else",
    "stop sending me gift ideas", "stop the calls", "stop, I'll ship it back", "stop texts are fine",
    "Enough of these messages!", "I'm done with these messages", "done with your texts", "sick of these texts",
    "fed up with the spam", "I don't need these texts",
    // Un- verbs.
    "unenroll", "Unenroll me", "Unfollow", "unregister me", "deregister", "unjoin",
  ])("%j opts out", (body) => {
    expect(intentOf(body)).toBe("opt_out");
  });

  it.each([
    // Spanish
    "UNSUSCRIBIRME", "unsuscribir", "desuscribirse", "desinscribirme", "anular", "anular mi suscripción", "no quiero",
    "No quiero, gracias", "no quiero recibir mensajes", "no quiero recibir nada", "no me molesten más",
    // French
    "ne plus recevoir", "je ne veux plus recevoir", "je ne veux plus rien", "désinscrivez-moi",
    // Italian
    "disiscriviti", "disiscrivi", "disiscrivetemi", "non voglio più ricevere messaggi", "non scrivetemi più",
    // Portuguese
    "não quero", "não quero receber", "não desejo mais receber", "me descadastrem",
    // German
    "melden Sie mich ab", "bitte meldet mich ab", "ich möchte keine SMS", "nicht mehr kontaktieren",
  ])("%j opts out", (body) => {
    expect(intentOf(body)).toBe("opt_out");
  });

  it.each([
    ["st0p", "st0p"], ["5TOP", "5top"], ["tsop", "tsop"], ["c4ncel", "c4ncel"], ["unsubscr1be", "unsubscr1be"], ["cacnel", "cacnel"],
  ])("records a misspelt word as written: %j → %j", (body, matched) => {
    expect(classifyInbound(body)).toMatchObject({ intent: "opt_out", matched });
  });

  it.each(["shop now", "step by step", "cancer awareness month", "spot on!", "top seller?", "order 5701 status", "I'm out of town", "evoke the 90s"])(
    "%j is not a misspelt opt-out (no substitutions, no lone digits)",
    (body) => {
      expect(intentOf(body)).toBe("other");
    },
  );
});

describe("an opt-out word about something else is not a revocation (round 2)", () => {
  it.each([
    "Can I unsubscribe from emails but keep texts?", "Cancel gift wrap", "Cancel the gift wrap, keep the order",
    "How do I opt out of the paper receipt?", "stop my auto-ship", "unsubscribe me from the newsletter",
    "opt me out of the catalog", "stop the emails please", "cancel my autoship", "end my gift wrap", "halt the order",
    "how do I unsubscribe from email", "unsub from the mailers", "quit sending paper receipts",
    "can you stop the email newsletter? texts are fine", "stop, but still text me deals", "cancel my order but keep the texts",
    "please terminate my order", "opt out of gift wrapping", "terminate my account", "I didn't ask for this color",
    "I'd rather not get the blue one", "j'ai peur de ne pas recevoir ma commande", "no quiero nada más, gracias",
    "Ich habe keine bekommen", "cancel the emails but still text me",
  ])("%j gets at most one clarifying question", (body) => {
    expect(["other", "ambiguous_opt_out"]).toContain(intentOf(body));
  });

  it.each([
    "unsubscribe", "unsubscribe from texts", "unsubscribe me from these messages", "opt me out of the texts",
    "stop emails and texts", "cancel the emails and the texts", "stop texting me, emails are fine", "cancel everything",
    "opt out of everything", "unsubscribe me from all", "don't keep the texts coming, stop", "stop why do I keep getting texts",
    "remove me from the mailing list",
  ])("%j still opts out: the texts, me, everything, or nothing named", (body) => {
    expect(intentOf(body)).toBe("opt_out");
  });

  /** Each opt-out word with the ways it takes an object. */
  const wordAndLink = fc.oneof(
    fc.tuple(fc.constantFrom("stop", "cancel", "end", "terminate", "halt"), fc.constantFrom(" ", " the ", " my ")),
    fc.tuple(fc.constantFrom("unsubscribe", "unsub", "remove me", "unsubscribe me"), fc.constantFrom(" from ", " from the ", " from my ")),
    fc.tuple(fc.constantFrom("opt out", "opt me out", "optout"), fc.constantFrom(" of ", " of the ", " of my ")),
  );
  const otherThing = fc.constantFrom(
    "emails", "email newsletter", "paper receipt", "gift wrap", "auto-ship", "catalog", "mailers", "order", "gift wrapping",
  );
  const ending = fc.constantFrom("", "?", " please", ", thanks", "!");

  it("an opt-out word whose object is another channel or an order never opts out (property)", () => {
    fc.assert(
      fc.property(wordAndLink, otherThing, ending, ([word, between], thing, end) => {
        expect(intentOf(`${word}${between}${thing}${end}`)).not.toBe("opt_out");
      }),
      { numRuns: 1000 },
    );
  });

  it("the same opt-out word about the texts, or with the texts named beside the other thing, opts out (property)", () => {
    const texts = fc.constantFrom("texts", "messages", "sms", "text messages", "text alerts");
    fc.assert(
      fc.property(wordAndLink, texts, otherThing, ([word, between], what, thing) => {
        expect(intentOf(`${word}${between}${what}`)).toBe("opt_out");
        expect(intentOf(`${word}${between}${thing} and the ${what}`)).toBe("opt_out");
      }),
      { numRuns: 1000 },
    );
  });
});

describe("misspelt and leetspeak STOP-family words still opt out (property)", () => {
  const family = fc.constantFrom("stop", "unsubscribe", "cancel", "optout", "stopall", "revoke", "quit");
  const leet: Record<string, string> = { o: "0", i: "1", e: "3", a: "4", s: "5", t: "7" };
  const swap = (word: string, at: number) => {
    const i = at % (word.length - 1);
    return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  };

  /** Each a spelling a person might send: letters doubled, some as digits, one pair swapped, one dropped or doubled-in (long words). */
  const misspelt = fc
    .record({
      word: family,
      leetAt: fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
      repeatAt: fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 12 }),
      typo: fc.constantFrom("none", "swap", "drop", "extra"),
      at: fc.nat(),
      extra: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
      upper: fc.boolean(),
    })
    .map(({ word, leetAt, repeatAt, typo, at, extra, upper }) => {
      let spelt: string = word;
      if (typo === "swap") spelt = swap(word, at);
      if (typo === "drop" && word.length >= 6) spelt = word.slice(0, at % word.length) + word.slice((at % word.length) + 1);
      if (typo === "extra" && word.length >= 6) spelt = word.slice(0, at % word.length) + extra + word.slice(at % word.length);
      // A word made only of digits is a number, not a word: keep at least one letter.
      const chars = [...spelt].map((char, i) => (leetAt[i % leetAt.length] && leet[char] && i > 0 ? leet[char] : char));
      const repeated = chars.map((char, i) => char.repeat(1 + repeatAt[i % repeatAt.length]!)).join("");
      return { spelt, sent: upper ? repeated.toUpperCase() : repeated };
    })
    // Real words one edit away are deliberately not misreadings.
    .filter(({ spelt }) => !["evoke", "cancels", "revoked"].includes(spelt.replace(/(.)\1+/g, "$1")))
    .map(({ sent }) => sent);

  it("alone", () => {
    fc.assert(
      fc.property(misspelt, fc.constantFrom("", "!", "!!", ".", " pls", " please", "?"), (word, end) => {
        expect(intentOf(word + end)).toBe("opt_out");
      }),
      { numRuns: 3000 },
    );
  });

  it("inside a sentence", () => {
    fc.assert(
      fc.property(fc.constantFrom("I said ", "please ", "omg ", "ok "), misspelt, fc.constantFrom(" now", " already", "!!", ""), (before, word, after) => {
        expect(intentOf(before + word + after)).toBe("opt_out");
      }),
      { numRuns: 3000 },
    );
  });
});
