/**
 * The vocabulary behind `classifyInbound` (keywords.ts): what subscribers text
 * when they want out, want help or want in, per language.
 *
 * Writing entries:
 * - One entry is a word or a phrase, written lower-case as it is *tokenised*:
 *   no apostrophes ("dont", "cest", "mabonner"), hyphens as spaces ("opt out").
 *   Accents may be kept ("arrêt", "sí"); matching ignores them, but an accented
 *   entry pins the language when the unaccented word is shared ("sí" → es).
 * - `{a|b|}` lists alternatives; an empty alternative makes the group optional.
 *   "no more {texts|msgs}" is two entries. Alternatives can sit inside a word.
 * - Repeated letters never matter ("stoppp", "yesss", "stoop" match "stop", "yes").
 * - The same word in two languages' lists (PARAR: es + pt) gives language null,
 *   unless a filler word elsewhere in the message settles it ("parar obrigado").
 *
 * Whole-body tables match only when the entry is the entire message, ignoring
 * punctuation, emoji, repeated words and FILLERS ("Stop please!!" = "stop").
 * In-text tables match anywhere, subject to NEGATORS ("don't stop") and
 * CONTEXT_RULES ("stop by the store", "cancel my order").
 */
import type { Language } from "./keywords";

export type LanguageTable = Readonly<Partial<Record<Language | "neutral", readonly string[]>>>;

/** Expands `{a|b|}` alternation into every spelled-out phrase. */
export function expandAlternatives(pattern: string): string[] {
  const group = /\{([^{}]*)\}/.exec(pattern);
  if (!group) return [pattern.replace(/\s+/g, " ").trim()];
  const before = pattern.slice(0, group.index);
  const after = pattern.slice(group.index + group[0].length);
  return (group[1] ?? "").split("|").flatMap((choice) => expandAlternatives(before + choice + after));
}

// Shared building blocks for phrases.
const MESSAGE_WORDS = "texts|text|txts|txt|messages|message|msgs|msg|sms|smss|spam|marketing|notifications|alerts";
const PROMO_WORDS = "ads|promos|promotions|offers";
const CONTACT_VERB = "{text|txt|message|msg|sms|contact|call|spam|bother|email|send}";
const ME = "{me|us|this number|my number|my phone}";

// ───────────────────────────── opt-out ─────────────────────────────

/**
 * The whole message is a request to stop. Includes words too risky to honour
 * inside a sentence ("alto" is also "tall", "baja" also "low").
 */
export const OPT_OUT_WHOLE_BODY: LanguageTable = {
  en: [
    "stop", "stopall", "stop all", "stop it", "stpo", "sotp", "stahp", "stoop",
    "unsubscribe", "unsubscribe all", "unsubscribed", "unsub", "un subscribe",
    "cancel", "cancel all", "canceled", "cancelled", "cancle",
    "end", "end all", "quit", "quit it", "revoke", "optout", "opt out", "opt me out", "opted out",
    "remove", "remove me", "delete", "delete me", "block", "blocked",
    "no more", "nomore", "no more texts", "no texts", "no messages",
    "no thanks", "no thank you", "nothanks", "not interested",
    // Pausing is a request to stop for now; it is honoured as one (the person can text START).
    "pause", "pause texts",
    "spam", "this is spam", "leave me alone", "go away", "get lost",
    "wrong number", "wrong person",
  ],
  es: [
    "alto", "baja", "de baja", "dar de baja", "darme de baja", "dame de baja",
    "parar", "para", "pare", "paren", "detener", "detente", "cancelar", "cancela",
    "no más", "no mas", "basta", "ya basta", "fin",
    "desuscribir", "desuscribirme", "quitame", "sacame", "borrame", "eliminame",
    "no gracias", "no me interesa", "no estoy interesado", "no estoy interesada",
    "numero equivocado",
  ],
  fr: [
    "arret", "arrêt", "arrete", "arrête", "arreter", "arrêter", "arretez", "arrêtez",
    "désabonner", "me désabonner", "se désabonner", "désabonnement", "désabonnez moi",
    "désinscrire", "me désinscrire", "se désinscrire", "désinscription", "désinscrivez moi",
    "annuler", "fin", "plus de sms", "plus de messages",
    "non merci", "pas intéressé", "pas intéressée", "retirez moi", "supprimez moi",
    "mauvais numéro",
  ],
  de: [
    "stopp", "abmelden", "abbestellen", "austragen", "abmeldung", "kündigen", "stornieren",
    "beenden", "ende", "aufhören", "hör auf", "hört auf", "widerrufen", "widerruf", "löschen",
    "keine sms", "keine sms mehr", "keine nachrichten mehr", "keine werbung",
    "nein danke", "kein interesse", "falsche nummer",
  ],
  pt: [
    "parar", "para", "pare", "parem", "sair", "cancelar", "cancelar inscrição", "basta", "fim",
    "descadastrar", "descadastre", "me descadastre", "descadastro", "remover", "me remova",
    "não quero mais", "não obrigado", "não obrigada", "não tenho interesse",
    "número errado",
  ],
  it: [
    "basta", "annulla", "disiscrivimi", "disiscrivere", "disiscrivermi", "disiscrizione",
    "cancellami", "cancella", "rimuovimi", "smettila", "smettetela", "revoca",
    "no grazie", "non mi interessa", "non interessato", "non interessata",
    "numero sbagliato",
  ],
  neutral: ["🛑", "⛔", "🚫", "✋", "🤚", "🔕"],
};

/**
 * A request to stop wherever it appears, unless negated or contradicted by
 * context. The first English group is the FCC's definitive vocabulary
 * (stop, quit, end, revoke, opt out, cancel, unsubscribe) and misspellings.
 */
export const OPT_OUT_IN_TEXT: LanguageTable = {
  en: [
    "stop", "stopall", "stpo", "sotp", "stahp",
    "stop{it|now|pls|plz|please|texting|txting|messaging|sending|spamming|this|asap}",
    "{please|pls|plz|just}stop",
    "unsubscribe", "unsubscribed", "unsuscribe", "unsubsribe", "unsubcribe", "unsubscibe",
    "unsubscrib", "unsub", "un subscribe", "unsubscribeme",
    "cancel", "cancle", "end", "quit", "revoke", "revoked", "optout", "opt out", "opt me out", "opted out",
    "{put|make} {an end|a stop} to",
    // Free-text revocations.
    "remove me", "remove us", `remove ${ME}`, "remove my {info|information|details|contact}",
    "take me off", "take us off", "take my number off", "get me off",
    "delete me", "delete my {number|info|information|details|data}", "lose my number", "lose this number",
    `{dont|do not|never} {ever|} ${CONTACT_VERB} ${ME}`,
    `{dont|do not|never} {ever|} send me {any more|anymore|more|any|} {${MESSAGE_WORDS}|${PROMO_WORDS}|these|this|stuff|anything}`,
    `{dont|do not|no longer} want {to get|to receive|to be getting|} {these|this|your|any|the|more|} {${MESSAGE_WORDS}|${PROMO_WORDS}}`,
    `no more {${MESSAGE_WORDS}|texting|messaging|please}`,
    "{never|didnt|did not|dont remember|do not remember} {sign|signed|signing} up",
    "{never|didnt|did not} {subscribe|subscribed|opt in|opted in|consent|consented}",
    "{never|didnt|did not} {agree|agreed} to {this|these|texts|messages|receive|get}",
    "unsolicited", "leave me alone",
    "wrong {number|person|phone|guy|girl|lady|man}", "not my {number|phone}",
    "{fuck|f|fk|fck|f ck|eff|piss|bugger|sod|screw} off", "{fuck|f|fk|fck|screw} {you|u}",
    "{this is|its|thats|this is just} spam",
    "{reported|reporting|report|block|blocked|blocking} {you|u|this number|your number}",
    "{reported|reporting} {this|as spam}", "{block|blocked|blocking} this",
    "{want|wanna|would like} {to be removed|out}", "{be|get} removed",
  ],
  es: [
    "cancelar", "desuscribir", "desuscribirme", "desuscribanme", "desuscribeme",
    "{darme|dame|denme|dar|darse|me doy|deme} de baja",
    "no me {envies|envien|envie|mandes|manden|mande|escribas|escriban|escriba|contactes|contacten} {mas|}",
    "no {envies|envien|envie|mandes|manden|mande|escribas|escriban|escriba|contactes|contacten} mas",
    "{deja|dejen|deje|dejan|para|paren|pare|paran} de {enviar|enviarme|mandar|mandarme|escribir|escribirme|textear|molestar|molestarme}",
    "no mas {mensajes|textos|sms|msj|promociones|publicidad}",
    "{ya|} no quiero {mas|recibir|} {mensajes|textos|sms|promociones|publicidad}",
    "{quitame|sacame|borrame|eliminame|quiteme|saqueme|borreme|elimineme} de {la|su|tu|esta} lista",
    "{cancelar|cancela} {la|mi|} suscripcion",
    "nunca me {suscribi|inscribi|registre}",
    "{numero equivocado|dejenme en paz|dejame en paz}",
  ],
  fr: [
    "arret", "arrêt", "arrete", "arrêter", "arretez", "arrêtez", "annuler",
    "désabonner", "désinscrire", "désabonnement", "désinscription", "désabonnez", "désinscrivez",
    "ne {menvoyez|mecrivez|me contactez|menvoie|mecris|me contacte} plus",
    "{je|} ne {veux|voulons} plus {de|recevoir|vos|} {sms|messages|textos}",
    "{arretez|arrete|cessez|stop} de {menvoyer|mecrire|me contacter|menvoyer des sms}",
    "{retirez|supprimez|enlevez} {moi|mon numero}",
    "{laissez moi tranquille|mauvais numero|faux numero}",
  ],
  de: [
    "stopp", "abmelden", "abbestellen", "austragen", "widerrufe", "widerrufen",
    "keine {sms|nachrichten|werbung|textnachrichten|mails} mehr",
    "nicht mehr {schreiben|kontaktieren|senden|schicken|anschreiben}",
    "{schreiben sie|schreibt|schreib} mir nicht mehr",
    "{meine|die|diese} nummer {löschen|entfernen}",
    "{hör|hört|hören sie} auf",
    "{lasst|lass|lassen sie} mich in ruhe", "falsche nummer",
  ],
  pt: [
    "cancelar", "descadastrar", "descadastre", "descadastra", "descadastro",
    "{sair|me tire|me tira|me remova|me retire|me remove} {da lista|da sua lista|do cadastro}",
    "quero sair",
    "não quero {mais|} {receber|} {mensagens|sms|nada}",
    "não {me|} {envie|envia|mande|manda|enviem|mandem} mais",
    "{pare|parem|para} de {enviar|mandar|me enviar|me mandar}",
    "nunca me {cadastrei|inscrevi}",
    "{número errado|me deixe em paz|me deixa em paz}",
  ],
  it: [
    "annulla", "disiscrivimi", "disiscrivere", "disiscrivermi", "disiscrizione", "cancellami", "rimuovimi",
    "non voglio più {messaggi|sms|ricevere}",
    "{smettila|smettetela|smettete} di {scrivermi|mandarmi|inviarmi|inviare|mandare|scrivere}",
    "niente più {messaggi|sms}", "basta {messaggi|sms}",
    "{toglietemi|toglimi|rimuovetemi|cancellatemi} {dalla lista|}",
    "{numero sbagliato|lasciatemi in pace|lasciami in pace}",
  ],
  // Unmistakable stop signs; ✋/🤚 only count on their own (a raised hand can be a greeting).
  neutral: ["🛑", "⛔", "🔕"],
};

// ──────────────────────── ambiguous (clarify once) ────────────────────────
//
// Might be a revocation, might not. The app answers with a single
// "Reply STOP to stop receiving texts from <brand>" instead of guessing.
// Kept deliberately small: where a reasonable reader would hear "stop", the
// entry is in an opt-out table instead ("not interested", "no thanks", "pause").

export const AMBIGUOUS_WHOLE_BODY: LanguageTable = {
  en: [
    "no", "nope", "nah", "no no", "enough", "enough already", "too many", "too many texts",
    "so many texts", "less texts", "fewer texts", "bye", "goodbye", "im out", "im done",
    "annoying", "so annoying", "scam",
  ],
  es: ["no", "ya no", "suficiente", "demasiados mensajes", "adios", "chao"],
  fr: ["non", "ça suffit", "assez", "trop de messages", "trop de sms", "au revoir"],
  de: ["nein", "genug", "zu viele nachrichten", "zu viele sms", "tschüss"],
  pt: ["não", "chega", "muitas mensagens", "tchau"],
  it: ["no", "non", "troppi messaggi"],
  neutral: ["👎", "🙅", "❌"],
};

export const AMBIGUOUS_IN_TEXT: LanguageTable = {
  en: [
    `{too|so} many {${MESSAGE_WORDS}|${PROMO_WORDS}}`, "{less|fewer} {texts|messages|msgs}", "{text|message|msg} me less",
    "why {do|does|are|r} {you|u|yall|they} {keep|} {texting|txting|messaging|msging|sending|spamming|contacting|text|message}",
    "why {am i|do i keep|do i|am i still} {getting|receiving|get} {these|this|your|texts|messages}",
    "{how|where} did {you|u} get my {number|phone|phone number|info}", "who gave {you|u} my {number|info}",
    "{not|no longer} interested", "is this {a scam|spam}",
  ],
  es: [
    "demasiados {mensajes|textos}", "no me interesa", "no estoy {interesado|interesada}",
    "por que me {escriben|mandan|envian|escribes|mandas|envias}",
    "como {consiguieron|obtuvieron|tienen} mi numero",
  ],
  fr: [
    "trop de {messages|sms|textos}", "pas {interesse|interessee}",
    "pourquoi {vous|tu} {mecrivez|mecris|menvoyez|menvoies}",
    "comment avez vous {eu|obtenu} mon numero",
  ],
  de: [
    "zu viele {nachrichten|sms}", "kein interesse",
    "warum {schreiben sie|schreibt ihr|schreibst du} mir", "woher haben sie meine nummer",
  ],
  pt: [
    "muitas mensagens", "nao tenho interesse",
    "por que {voces|vcs|} {me mandam|me enviam}", "como {voces|} conseguiram meu numero",
  ],
  it: [
    "troppi messaggi", "non mi interessa", "non {interessato|interessata}",
    "perche mi {scrivete|mandate|inviate}", "come avete {avuto|ottenuto} il mio numero",
  ],
};

// ───────────────────────────── help ─────────────────────────────

/** Whole-body only: "help, where is my order?" is a customer-service question. */
export const HELP_WHOLE_BODY: LanguageTable = {
  en: [
    "help", "help me", "need help", "i need help", "info", "more info", "information", "more information",
    "support", "who is this", "whos this", "who this", "who dis", "who is dis", "who are you", "who r u",
    "who is texting me", "who is messaging me", "what is this", "whats this", "what is this about",
  ],
  es: [
    "ayuda", "ayudame", "necesito ayuda", "información", "más información",
    "quién es", "quién eres", "quiénes son", "quién habla", "qué es esto",
  ],
  fr: [
    "aide", "aidez moi", "besoin daide", "renseignements", "qui est ce", "cest qui", "c est qui",
    "qui êtes vous", "qui est là", "quest ce que cest",
  ],
  de: [
    "hilfe", "ich brauche hilfe", "informationen", "wer ist das", "wer ist da", "wer sind sie",
    "wer bist du", "was ist das",
  ],
  pt: [
    "ajuda", "preciso de ajuda", "informação", "informações", "quem é", "quem é você", "quem é vc",
    "quem fala", "o que é isso",
  ],
  it: ["aiuto", "informazioni", "chi è", "chi sei", "chi siete", "chi parla"],
};

// ───────────────────────────── opt-in ─────────────────────────────

/**
 * Whole-body only, and never as a question ("yes?"): consent must be a clear
 * affirmative act, so "ok", "sure", "d'accord" and 👍 are deliberately absent.
 */
export const OPT_IN_WHOLE_BODY: LanguageTable = {
  en: [
    "start", "unstop", "yes", "y", "yeah", "yea", "yep", "yup", "subscribe", "resubscribe", "re subscribe",
    "sign me up", "sign up", "signup", "opt in", "optin", "opt me in", "start again", "subscribe me",
    "i want to subscribe", "count me in", "i agree", "yes i agree",
  ],
  es: [
    "sí", "si", "comenzar", "empezar", "iniciar", "alta", "dar de alta", "darme de alta", "dame de alta",
    "suscribir", "suscribirme", "quiero suscribirme", "unirme", "acepto",
  ],
  fr: ["oui", "commencer", "démarrer", "abonner", "mabonner", "je mabonne", "inscrire", "minscrire"],
  de: ["ja", "starten", "anmelden", "abonnieren"],
  pt: ["sim", "começar", "iniciar", "inscrever", "me inscrever", "assinar", "quero assinar", "aceito"],
  it: ["sì", "si", "inizia", "iniziare", "iscrivimi", "iscrivermi", "attiva", "avvia", "accetto"],
};

// ───────────────────────────── grammar ─────────────────────────────

/**
 * Politeness and padding dropped before whole-body matching ("STOP please",
 * "baja por favor", "yes thank you"). They also hint at the language when the
 * keyword itself is shared ("parar obrigado" → pt).
 */
export const FILLERS: LanguageTable = {
  en: [
    "please", "pls", "plz", "plse", "plez", "pleas", "thanks", "thank you", "thank u", "thx", "thnx", "ty",
    "now", "right now", "asap", "already", "immediately", "ok", "okay", "k", "hi", "hey", "hello", "sir",
    "just", "lol", "again",
  ],
  es: ["por favor", "porfa", "porfavor", "x favor", "gracias", "muchas gracias", "ya", "ahora", "hola"],
  fr: ["sil vous plait", "sil te plait", "svp", "stp", "merci", "merci beaucoup", "bonjour", "maintenant"],
  de: ["bitte", "danke", "danke schön", "jetzt", "sofort", "hallo"],
  pt: ["por favor", "obrigado", "obrigada", "por gentileza", "agora", "olá"],
  it: ["per favore", "perfavore", "grazie", "grazie mille", "ora", "adesso", "subito"],
};

/** Keywords used across languages: a filler may override their default language ("stop por favor" → es). */
export const INTERNATIONAL_KEYWORDS: readonly string[] = ["stop", "start", "info", "sms"];

/** Words that negate a following keyword: "don't stop", "no quiero cancelar". */
export const NEGATORS: Readonly<Record<Language, readonly string[]>> = {
  en: ["dont", "not", "never", "cant", "cannot", "wont", "shouldnt", "wouldnt", "doesnt", "didnt", "aint", "nor", "dnt"],
  es: ["no", "nunca", "jamas", "ni"],
  fr: ["ne", "pas", "jamais"],
  de: ["nicht", "nie", "niemals", "kein", "keine"],
  pt: ["nao", "nunca", "jamais", "nem"],
  it: ["non", "mai"],
};

/** Words that may sit between a negator and its keyword: "don't ever stop", "never gonna stop". */
export const NEGATION_BRIDGES: readonly string[] = [
  "ever", "even", "you", "u", "ya", "please", "pls", "plz", "to", "want", "wanna", "gonna", "going", "really",
  "just", "need", "have", "i", "quiero", "queremos", "me", "te", "lo", "voy", "a", "veux", "vous", "will",
  "mich", "quero", "vou", "voglio", "mi",
];

/** "why won't you stop" is a demand, not a negation ("por que" is handled as a pair). */
export const WHY_WORDS: readonly string[] = ["why", "porque", "pourquoi", "warum", "wieso", "perche"];

/** "won't you stop…", "can't you stop…": inverted questions that ask for the stop. */
export const INVERTING_NEGATORS: readonly string[] = ["wont", "cant", "cannot", "couldnt", "wouldnt"];

/**
 * "these texts never stop", "you don't stop": a complaint or a compliment,
 * impossible to tell, so the app asks.
 */
export const COMPLAINT_SUBJECTS: readonly string[] = [
  "you", "u", "they", "it", "this", "these", "that", "texts", "messages", "msgs", "texting", "spam",
];

// ───────────────────────────── context ─────────────────────────────

/** Nouns that make "cancel" a customer-service request ("cancel my order"). */
const ORDER_NOUNS = [
  "order", "orders", "purchase", "purchases", "shipment", "shipping", "delivery", "package", "parcel", "item",
  "items", "box", "payment", "transaction", "reservation", "appointment", "booking", "preorder", "cart",
  "refund", "charge", "exchange", "return", "product", "size", "sizes", "color", "colors", "colour", "colours",
  "pedido", "pedidos", "orden", "compra", "compras", "envio", "paquete", "reserva",
  "commande", "commandes", "livraison", "achat", "colis",
  "bestellung", "lieferung", "paket", "kauf",
  "encomenda", "entrega", "pacote",
  "ordine", "acquisto", "spedizione", "pacco", "consegna",
];

/** Nouns that keep a keyword about the messages themselves ("when will these texts end"). */
const MESSAGE_NOUNS = [
  "text", "texts", "txt", "txts", "texting", "message", "messages", "msg", "msgs", "messaging", "sms",
  "notifications", "alerts", "spam", "mensajes", "textos", "nachrichten", "mensagens", "messaggi",
];

/** …and the marketing they carry: "stop sending me promos for items I bought" is about the texts. */
const SOLICITATION_NOUNS = [...MESSAGE_NOUNS, "ads", "promos", "promotions", "offers", "deals", "coupons", "emails", "marketing"];

export interface ContextRule {
  /** Canonical in-text keywords (as listed in OPT_OUT_IN_TEXT) the rule applies to. */
  readonly keywords: readonly string[];
  /** veto: not an opt-out at all. unclear: ask once (ambiguous_opt_out). */
  readonly effect: "veto" | "unclear";
  /** Fires when the token right before the keyword is one of these. */
  readonly previous?: readonly string[];
  /** Fires when the token right after the keyword is one of these. */
  readonly next?: readonly string[];
  /** Fires when one of these is within `window` tokens (same sentence)… */
  readonly near?: readonly string[];
  readonly window?: number;
  /** …looking only after the keyword, when set. */
  readonly afterOnly?: boolean;
  /** …unless one of these is near too. */
  readonly unlessNear?: readonly string[];
  readonly why: string;
}

export const CONTEXT_RULES: readonly ContextRule[] = [
  {
    keywords: ["stop"],
    effect: "veto",
    next: ["by", "in", "into", "over", "at", "past", "off", "round", "around", "through"],
    why: "to stop by / in / at a place is to visit",
  },
  {
    keywords: ["stop"],
    effect: "veto",
    next: ["date", "dates", "sign", "signs", "light", "lights", "loss"],
    why: "a stop date, stop sign, stop-loss",
  },
  {
    keywords: ["stop"],
    effect: "veto",
    previous: ["bus", "pit", "non", "one", "full", "next", "last", "first", "truck", "rest", "whistle", "train", "tram", "subway", "photo"],
    why: "a stop as a noun: bus stop, one-stop shop, non-stop deals",
  },
  {
    keywords: ["stop"],
    effect: "veto",
    near: ORDER_NOUNS,
    window: 5,
    afterOnly: true,
    unlessNear: SOLICITATION_NOUNS,
    why: "stop my order / stop sending me the wrong size is a customer-service request",
  },
  {
    keywords: ["cancel", "cancle", "cancelar", "annulla", "annuler", "cancella"],
    effect: "veto",
    near: ORDER_NOUNS,
    window: 4,
    unlessNear: SOLICITATION_NOUNS,
    why: "cancel my order / subscription box order is a customer-service request",
  },
  {
    keywords: ["end"],
    effect: "veto",
    previous: [
      "the", "an", "high", "low", "back", "front", "dead", "deep", "rear", "tail", "west", "east", "weekend",
      "week", "month", "year", "split", "loose", "odds", "happy", "bitter", "top", "bottom", "far",
    ],
    why: "end as a noun: the end, high-end, weekend",
  },
  {
    keywords: ["end"],
    effect: "veto",
    next: ["of", "up", "date", "dates", "time", "times", "soon", "today", "tonight", "tomorrow", "result", "user", "users", "product", "products"],
    why: "end of season, end up, end date",
  },
  {
    keywords: ["end"],
    effect: "veto",
    near: [
      "sale", "sales", "season", "seasonal", "promo", "promotion", "deal", "deals", "offer", "offers", "discount",
      "discounts", "coupon", "coupons", "code", "event", "clearance", "giveaway", "contest", "drop", "collection",
      "preorder", "countdown", "auction", "friday", "midnight",
    ],
    window: 4,
    unlessNear: MESSAGE_NOUNS,
    why: "when does the sale end",
  },
  {
    keywords: ["end"],
    effect: "unclear",
    near: ["when", "until", "till", "date", "long"],
    window: 4,
    unlessNear: MESSAGE_NOUNS,
    why: "when does it end: probably about an offer, maybe about the texts",
  },
];

// ───────────────────────────── Twilio ─────────────────────────────

/** Twilio's default keyword handling: exact whole body, trimmed, any case, English only. */
export const TWILIO_KEYWORDS = {
  STOP: ["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"],
  START: ["start", "yes", "unstop"],
  HELP: ["help", "info"],
} as const satisfies Record<"STOP" | "START" | "HELP", readonly string[]>;
