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
 * - Chinese is written without spaces: each Han character is its own token, so
 *   "停止" is the two-token phrase 停 止 and is found inside "请停止发送".
 * - RECOGNISED_ONLY languages are understood (their STOP and HELP words are
 *   always honoured) but replies are never composed in them: a match reports
 *   language null and the reply goes out in the shop's language.
 *
 * Whole-body tables match only when the entry is the entire message, ignoring
 * punctuation, emoji, repeated words and FILLERS ("Stop please!!" = "stop").
 * In-text tables match anywhere, subject to NEGATORS ("don't stop") and
 * CONTEXT_RULES ("stop by the store", "cancel my order").
 */
import type { Language } from "../language/languages";

/**
 * Languages US shoppers text in that the app has no reply templates for:
 * Chinese, Tagalog, Vietnamese, Arabic, Korean, Russian.
 */
export const RECOGNISED_ONLY = ["zh", "tl", "vi", "ar", "ko", "ru"] as const;
export type LexiconLanguage = Language | (typeof RECOGNISED_ONLY)[number];

export type LanguageTable = Readonly<Partial<Record<LexiconLanguage | "neutral", readonly string[]>>>;

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
    "dnd", "do not disturb", "cease", "halt", "terminate", "desist", "count me out", "unenroll", "unfollow",
  ],
  es: [
    "alto", "baja", "de baja", "dar de baja", "darme de baja", "dame de baja",
    "parar", "para", "pare", "paren", "detener", "detente", "cancelar", "cancela",
    "no más", "no mas", "basta", "ya basta", "fin",
    "desuscribir", "desuscribirme", "quitame", "sacame", "borrame", "eliminame",
    "no gracias", "no me interesa", "no estoy interesado", "no estoy interesada",
    "numero equivocado", "anular", "anular suscripcion", "no quiero", "ya no quiero",
    "{des|un|de}{suscribir|suscribirme|suscribirse|suscribanme|inscribir|inscribirme}",
  ],
  fr: [
    "arret", "arrêt", "arrete", "arrête", "arreter", "arrêter", "arretez", "arrêtez",
    "désabonner", "me désabonner", "se désabonner", "désabonnement", "désabonnez moi",
    "désinscrire", "me désinscrire", "se désinscrire", "désinscription", "désinscrivez moi",
    "annuler", "fin", "plus de sms", "plus de messages",
    "non merci", "pas intéressé", "pas intéressée", "retirez moi", "supprimez moi",
    "mauvais numéro", "ne plus recevoir", "stop sms", "je ne veux plus",
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
    "número errado", "não quero", "não quero receber",
  ],
  it: [
    "basta", "annulla", "disiscrivimi", "disiscrivere", "disiscrivermi", "disiscrizione",
    "cancellami", "cancella", "rimuovimi", "smettila", "smettetela", "revoca",
    "no grazie", "non mi interessa", "non interessato", "non interessata",
    "numero sbagliato", "disiscriviti", "disiscrivi", "disiscrivetemi", "non voglio", "non voglio più",
  ],
  // "TD" (退订) is the opt-out reply Chinese carriers and senders use.
  zh: ["停止", "停", "退订", "退訂", "取消订阅", "取消訂閱", "取消", "退出", "td", "{不要|别|別}再{发|發}了", "{不要|别|別}再{发|發}"],
  tl: [
    "tigil", "itigil", "tumigil", "tigil na", "hinto", "ihinto", "huminto", "hinto na", "tama na", "ayoko na",
    "ayaw ko na", "wag na", "huwag na",
  ],
  // Written with and without diacritics: many phones send Vietnamese unaccented.
  vi: [
    "dừng", "dung", "dừng lại", "dung lai", "ngừng", "ngung", "hủy", "huy", "hủy bỏ", "huy bo",
    "hủy đăng ký", "huy dang ky", "hủy đăng kí", "huy dang ki", "ngừng gửi", "ngung gui", "đừng gửi nữa", "dung gui nua",
  ],
  ar: [
    "توقف", "قف", "إيقاف", "ايقاف", "أوقف", "اوقف", "إلغاء", "الغاء", "إلغاء الاشتراك", "الغاء الاشتراك",
    "لا ترسل", "لا ترسلوا", "لا ترسل لي",
  ],
  ko: [
    "중지", "중단", "그만", "그만해", "그만해요", "그만하세요", "그만 보내", "그만 보내세요", "수신거부", "수신 거부",
    "수신거절", "수신 거절", "거부", "취소", "구독취소", "구독 취소", "해지", "탈퇴", "스톱", "스탑",
  ],
  ru: [
    "стоп", "отписаться", "отписка", "отпишите", "отпишите меня", "отписать", "отменить", "отмена", "прекратить",
    "прекратите", "хватит", "удалите меня", "не пишите", "не пишите мне", "не присылайте",
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
    // Formal withdrawals of consent.
    "{withdraw|withdrawing|withdrew|revoke|revoking|rescind|rescinding|retract|retracting|remove|removing|pull|cancel|cancelling|canceling} {my|all|any|the|} {consent|permission}",
    "{consent|permission} {is|has been|hereby|} {withdrawn|revoked|rescinded|retracted|removed|cancelled|canceled|denied|terminated}",
    "{no longer|do not|dont|did not|didnt} {consent|give consent|give my consent|give permission|give you permission}",
    "{do not|dont|no longer} agree to {receive|receiving|get|getting|be|being|these|this|texts|messages|marketing}",
    "{do not|dont|no longer} wish to {receive|get|be contacted|be texted|be messaged|hear from you}",
    "{you|u} {do not|dont|no longer} have my {consent|permission}",
    "hereby {withdraw|revoke|rescind}", "revocation", "opting out",
    // Removal from the list without "me" ("remove me", "take me off" are above).
    "{remove|delete|take|drop|erase} {this number|that number|the number|my number|my phone|my info|} {from|off} {the|your|this|that|ur|my|} {list|lists|mailing list|texting list|sms list|contact list|contacts|database|system}",
    "{delete|remove|erase|drop} {this|that|the} {number|phone number|phone}",
    // Not the person who signed up.
    "{isnt|is not|aint|not} {my|our} {number|phone|phone number}", "{dont|do not} know {you|u|who this is}",
    "{didnt|did not|never} {ask|asked} {for|to} {this|these|that|them|it|texts|messages|any|get|receive|be}",
    // Do-not-disturb, cease and desist, halt, terminate.
    "dnd", "do not disturb", "cease", "desist", "halt", "terminate", "count me out",
    "unenroll", "unenrol", "disenroll", "unregister", "deregister", "unfollow", "unjoin",
    // Preferring not to get them, being done with them, enough of them.
    `{rather|prefer|like to} not {to|} {get|getting|receive|receiving|be getting|be receiving|have} {these|them|this|your|the|any|more|} {${MESSAGE_WORDS}|${PROMO_WORDS}|these|them|anymore|any more}`,
    "{rather|prefer|like to} not {to|} {be texted|be messaged|be contacted|hear from you}",
    `enough {with|of} {the|these|your|those|this|all the|all these|} {${MESSAGE_WORDS}|${PROMO_WORDS}|texting|messaging}`,
    `{done|finished|over it|sick|tired|fed up} {with|of} {the|these|your|those|this|all the|all these|} {${MESSAGE_WORDS}|${PROMO_WORDS}|texting|messaging}`,
    `{dont|do not|no longer} {need|want|like} {these|this|your|the|any|more|} {${MESSAGE_WORDS}|${PROMO_WORDS}}`,
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
    "{retiro|revoco|retirar|revocar|cancelo} mi {consentimiento|autorizacion|permiso}",
    "{des|un|de}{suscribir|suscribirme|suscribirse|suscribanme|inscribir|inscribirme}", "anular {la|mi|} {suscripcion|inscripcion}",
    "no quiero {recibir|mas|} {mas mensajes|mas textos|sus mensajes|tus mensajes|ofertas|estos mensajes}", "no quiero recibir nada",
    "no {me|} {molesten|molestes|moleste} {mas|}",
  ],
  fr: [
    "arret", "arrêt", "arrete", "arrêter", "arretez", "arrêtez", "annuler",
    "désabonner", "désinscrire", "désabonnement", "désinscription", "désabonnez", "désinscrivez",
    "ne {menvoyez|mecrivez|me contactez|menvoie|mecris|me contacte} plus",
    "{je|} ne {veux|voulons} plus {de|recevoir|vos|} {sms|messages|textos}",
    "{arretez|arrete|cessez|stop} de {menvoyer|mecrire|me contacter|menvoyer des sms}",
    "{retirez|supprimez|enlevez} {moi|mon numero}",
    "{laissez moi tranquille|mauvais numero|faux numero}",
    "{je retire|retirer|je revoque|revoquer|jannule} mon consentement",
    "ne plus {recevoir|etre contacte|etre contactee|me contacter|menvoyer}",
    "ne {veux|voulons|souhaite|souhaitons} plus {recevoir|rien recevoir|etre contacte|etre contactee|rien}",
    "{desabonnez|desinscrivez|retirez|enlevez} moi",
  ],
  de: [
    "stopp", "abmelden", "abbestellen", "austragen", "widerrufe", "widerrufen",
    "keine {sms|nachrichten|werbung|textnachrichten|mails} mehr",
    "nicht mehr {schreiben|kontaktieren|senden|schicken|anschreiben}",
    "{schreiben sie|schreibt|schreib} mir nicht mehr",
    "{meine|die|diese} nummer {löschen|entfernen}",
    "{hör|hört|hören sie} auf",
    "{lasst|lass|lassen sie} mich in ruhe", "falsche nummer",
    "{ziehe|entziehe} {meine|die} {einwilligung|zustimmung}",
    "nicht mehr {erhalten|empfangen|bekommen|kontaktieren}", "{möchte|will|moechte} keine {sms|nachrichten|werbung}",
    "{melden sie|meldet|melde} mich ab",
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
    "{retiro|revogo|retirar|revogar} {o|} meu consentimento",
    "não {quero|desejo} {mais|} receber", "{me|} {descadastrem|descadastra|desinscreva|desinscrever}",
  ],
  it: [
    "annulla", "disiscrivimi", "disiscrivere", "disiscrivermi", "disiscrizione", "cancellami", "rimuovimi",
    "non voglio più {messaggi|sms|ricevere}",
    "{smettila|smettetela|smettete} di {scrivermi|mandarmi|inviarmi|inviare|mandare|scrivere}",
    "niente più {messaggi|sms}", "basta {messaggi|sms}",
    "{toglietemi|toglimi|rimuovetemi|cancellatemi} {dalla lista|}",
    "{numero sbagliato|lasciatemi in pace|lasciami in pace}",
    "{revoco|ritiro|revocare|ritirare} il {mio|} consenso",
    "disiscriviti", "disiscrivi", "disiscrivetemi", "{non|} voglio più ricevere", "non {scrivetemi|mandatemi|inviatemi} più",
  ],
  // Only words that cannot mean anything else inside a sentence: 取消 alone
  // is also "cancel my order" (取消订单), dùng/đúng fold to "dung".
  zh: ["停止", "退订", "退訂", "取消订阅", "取消訂閱", "{不要|别|別}再{发|發|传|傳}", "{不要|别|別}{发|發}{短信|簡訊|信息|訊息|消息}"],
  tl: ["tigil", "itigil", "tumigil", "ihinto", "huminto", "tigilan {nyo|niyo|mo} na"],
  vi: [
    "{dừng|ngừng|đừng|dung|ngung} {gửi|nhắn|gui|nhan}", "{hủy|huy} {đăng ký|đăng kí|dang ky|dang ki}",
    "{đừng|dung} {liên lạc|lien lac}",
  ],
  ar: ["توقف", "إيقاف", "ايقاف", "{إلغاء|الغاء} الاشتراك", "لا {ترسل|ترسلوا|ترسلي}"],
  ko: ["수신거부", "수신 거부", "수신거절", "구독취소", "구독 취소", "그만 {보내|보내세요|보내주세요|보내요}"],
  ru: [
    "стоп", "отписаться", "отписка", "отпишите", "отписать", "отпишись",
    "{прекратите|прекрати|перестаньте|перестань} {писать|присылать|слать|рассылку|отправлять}",
    "не {пишите|присылайте|отправляйте|пиши|присылай} {мне|} {больше|}",
    "удалите {меня|мой номер}", "{отказаться|отказываюсь} от {рассылки|сообщений|смс}",
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
    // "why am I getting these" asks what they are (help); "still"/"keep" is a complaint.
    "why {do i keep|am i still|do i still} {getting|receiving|get} {these|this|your|texts|messages}",
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

/**
 * Whole-body only: "help, where is my order?" is a customer-service question.
 * A message made only of such questions ("Hi. Who is this? Why am I getting
 * these?") is a help request too: each sentence is matched on its own.
 */
export const HELP_WHOLE_BODY: LanguageTable = {
  en: [
    "help", "help me", "need help", "info", "more info", "information", "more information", "support",
    "{i need|need|i want|i would like|id like} {help|some help|assistance|support|info|more info|information}",
    "{can|could|would|will} {you|u|someone|somebody|anyone} help {me|us|}",
    "{can|could|may} i {get|have} {help|some help|more info|info|information|support}",
    "{how|where} {do|can|could} i {get|find} {help|support|more info|info|information|assistance}",
    "{who is|whos|who} {this|dis|that|it|this number|that number|this from|there}",
    "{who is|whos|who} {texting|txting|messaging|msging|contacting|sending|sending me} {me|this number|} {these|this|texts|messages|}",
    "{who are|who r} {you|u|yall|you guys|you people}", "{whose|who s} {number|phone} is this",
    "who sent {me|} {this|these|that} {text|message|texts|messages|}",
    "{what is|whats|what} this {number|about|for|text|message|from|number for|text for|message for|}",
    "{what|which} {number|company|store|shop|business|brand} is this", "what are these {texts|messages|}",
    "why {am i|do i} {getting|receiving|get|receive} {these|this|your|} {texts|messages|text|message|msgs|} {from you|from u|}",
    "why did i {get|receive} {this|these|that|a|your} {text|message|texts|messages|}",
  ],
  es: [
    "ayuda", "ayudame", "necesito ayuda", "información", "más información",
    "quién es", "quién eres", "quiénes son", "quién habla", "qué es esto",
    "quién me {escribe|manda mensajes|envía mensajes|está escribiendo}", "{de quién|qué} es este número",
    "por qué recibo {estos|este} {mensajes|mensaje}", "me {puedes|puede|pueden} ayudar", "cómo {obtengo|consigo} ayuda",
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
  zh: ["帮助", "幫助", "帮忙", "幫忙", "求助", "帮帮我", "幫幫我", "你是谁", "你是誰", "这是谁", "這是誰", "这是什么", "這是什麼"],
  tl: ["tulong", "tulungan", "tulungan mo ako", "tulungan niyo ako", "tulungan nyo ako", "saklolo", "sino ito", "sino to"],
  vi: ["giúp", "giup", "giúp tôi", "giup toi", "giúp đỡ", "giup do", "trợ giúp", "tro giup", "hỗ trợ", "ho tro", "ai đây", "ai day"],
  ar: ["مساعدة", "مساعده", "ساعدني", "ساعدوني", "معلومات", "من أنت", "من انت", "من هذا"],
  ko: ["도움말", "도움", "도와주세요", "도와줘", "도움이 필요해요", "누구세요", "누구야"],
  ru: ["помощь", "помогите", "помоги", "справка", "информация", "инфо", "кто это", "кто вы"],
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
    // Coming back after an opt-out, in the person's own words.
    "{resubscribe|re subscribe|resub|rejoin|re join} me",
    "{i want to|i would like to|id like to|i wanna|i wish to|let me|please let me} {resubscribe|re subscribe|rejoin|re join|subscribe again|sign up again|sign back up|opt back in|opt in again|come back|be added back|get back on the list}",
    "{sign|put|add|opt|count|let} me back {up|in|on|on the list|on your list|to the list|}",
    "{sign me up|subscribe me|add me|opt me in|put me on the list|count me in|sign up|subscribe|opt in|join} again",
    "{subscribe|sign up|opt in|join} {back|me back}", "opt back in", "sign back up", "i want back in",
    "{i want|i would like|id like|i wanna} your {texts|messages|text messages|deals|promos|offers|alerts} {again|back|}",
    "{i want|i would like|id like|i wanna} the {texts|messages|text messages|deals|promos|offers|alerts} {again|back}",
    "{i want|i would like|id like|i wanna} to {get|receive} {your|the} {texts|messages|text messages|deals|promos|offers|alerts} again",
    "{start|resume|restart|continue} {sending|texting|messaging} {me|} {texts|messages|text messages|your texts|deals|} {again|}",
    "{send|text|message} me {texts|messages|deals|} again",
    "{resume|unpause|unblock} {texts|messages|me|}",
  ],
  es: [
    "sí", "si", "comenzar", "empezar", "iniciar", "alta", "dar de alta", "darme de alta", "dame de alta",
    "suscribir", "suscribirme", "quiero suscribirme", "unirme", "acepto",
    "{suscribeme|suscribirme|darme de alta|dame de alta} {de nuevo|otra vez}",
    "quiero volver a {recibir mensajes|recibir sus mensajes|suscribirme}",
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
  zh: ["请", "請", "谢谢", "謝謝", "你好", "麻烦", "麻煩"],
  tl: ["po", "salamat", "pakiusap", "paki"],
  vi: ["vui lòng", "làm ơn", "cảm ơn", "cám ơn", "xin"],
  ar: ["من فضلك", "لو سمحت", "شكرا", "شكراً"],
  ko: ["제발", "감사합니다", "고맙습니다", "안녕하세요"],
  ru: ["пожалуйста", "спасибо", "здравствуйте"],
};

/** Keywords used across languages: a filler may override their default language ("stop por favor" → es). */
export const INTERNATIONAL_KEYWORDS: readonly string[] = ["stop", "start", "info", "sms"];

/** Words that negate a following keyword: "don't stop", "no quiero cancelar". */
export const NEGATORS: Readonly<Record<LexiconLanguage, readonly string[]>> = {
  en: ["dont", "not", "never", "cant", "cannot", "wont", "shouldnt", "wouldnt", "doesnt", "didnt", "aint", "nor", "dnt"],
  es: ["no", "nunca", "jamas", "ni"],
  fr: ["ne", "pas", "jamais"],
  de: ["nicht", "nie", "niemals", "kein", "keine"],
  pt: ["nao", "nunca", "jamais", "nem"],
  it: ["non", "mai"],
  zh: ["不", "别", "別", "勿", "没", "沒"],
  tl: ["hindi", "huwag", "wag"],
  vi: ["không", "khong", "chưa", "chua"],
  ar: ["لا", "لم", "لن"],
  ko: ["안", "못"],
  ru: ["не", "нет", "никогда"],
};

/** Words that may sit between a negator and its keyword: "don't ever stop", "never gonna stop". */
export const NEGATION_BRIDGES: readonly string[] = [
  "ever", "even", "you", "u", "ya", "please", "pls", "plz", "to", "want", "wanna", "gonna", "going", "really",
  "just", "need", "have", "i", "quiero", "queremos", "me", "te", "lo", "voy", "a", "veux", "vous", "will",
  "mich", "quero", "vou", "voglio", "mi", "要", "想", "muốn", "muon",
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
  // Add-ons and repeat deliveries: "cancel gift wrap", "stop my auto-ship".
  "wrap", "wrapping", "giftwrap", "engraving", "monogram", "autoship", "autoshipment", "auto", "reorder",
  "refill", "refills", "renewal", "autorenew", "shipments", "deliveries", "receipt", "receipts", "invoice", "invoices",
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

/** What a sender does to a phone: "quit bothering me", "quit blowing up my phone" are about the texts. */
const CONTACTING = [
  ...SOLICITATION_NOUNS, "sending", "spamming", "contacting", "emailing", "calling", "bothering", "harassing", "bugging",
  "pestering", "hitting", "blowing", "phone", "me", "us", "number",
  // "quit everything" ends in -ing but includes the texts.
  "everything", "anything",
];

/**
 * Other channels and documents someone may opt out of while keeping the texts:
 * "unsubscribe from emails", "opt out of the paper receipt".
 */
const OTHER_CHANNELS = [
  "email", "emails", "emailing", "mail", "mails", "e", "newsletter", "newsletters", "mailer", "mailers", "catalog", "catalogs",
  "catalogue", "catalogues", "paper", "receipt", "receipts", "invoice", "invoices", "postcards", "flyers",
  "inbox", "gmail",
];

/** The definitive opt-out words whose object can name something other than the texts. */
const OBJECT_TAKING_OPT_OUTS = [
  "stop", "stopall", "unsubscribe", "unsub", "un subscribe", "cancel", "cancle", "end", "quit", "revoke", "optout",
  "opt out", "opt me out", "opted out", "opting out", "remove me", "remove us", "take me off", "get me off",
  "unenroll", "unfollow", "unregister", "deregister", "terminate", "halt", "cease", "count me out",
];

/** Things people quit that are not the texts: "quit smoking", "I quit my job". */
const QUIT_OBJECTS = [
  "job", "jobs", "work", "school", "college", "class", "gym", "team", "game", "games", "cigarettes", "cigs", "coffee",
  "sugar", "alcohol", "booze", "weed", "caffeine", "soda", "carbs", "meat", "dairy", "gluten", "facebook", "instagram",
  "tiktok", "twitter", "app", "drugs", "nicotine", "juul",
];

/** What "cancel my …" may name besides an order: an account or plan on the website, not the texts. */
const ACCOUNT_NOUNS = [
  "account", "accounts", "membership", "profile", "login", "password", "card", "plan", "trial", "website", "site",
  "app", "warranty", "insurance", "policy", "loyalty", "rewards", "points", "wishlist",
];

export interface ContextRule {
  /** Canonical in-text keywords (as listed in OPT_OUT_IN_TEXT) the rule applies to. */
  readonly keywords: readonly string[];
  /** veto: not an opt-out at all. unclear: ask once (ambiguous_opt_out). */
  readonly effect: "veto" | "unclear";
  /** Fires when the token right before the keyword is one of these. */
  readonly previous?: readonly string[];
  /** Fires when the token right after the keyword is one of these. */
  readonly next?: readonly string[];
  /** Fires when the token right after ends like this ("quit smoking"), unless an `unlessNear` word follows. */
  readonly nextEndingIn?: readonly string[];
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
    keywords: expandAlternatives("{didnt|did not|never} {ask|asked} {for|to} this"),
    effect: "unclear",
    next: [...ORDER_NOUNS, "one", "item", "style", "shirt", "dress", "shoes", "pair", "fit", "design"],
    why: "I didn't ask for this color / size is about the order; I didn't ask for this (texts) is not: ask",
  },
  {
    keywords: OBJECT_TAKING_OPT_OUTS,
    effect: "veto",
    near: OTHER_CHANNELS,
    window: 5,
    afterOnly: true,
    unlessNear: [...MESSAGE_NOUNS, "everything", "all", "number", "phone"],
    why: "unsubscribe from emails / opt out of the paper receipt is about another channel, not the texts",
  },
  {
    keywords: [
      "unsubscribe", "unsub", "un subscribe", "end", "revoke", "optout", "opt out", "opt me out", "terminate", "halt", "cease",
      "remove me", "remove us", "take me off", "get me off", "count me out", "unenroll", "unfollow", "unregister", "deregister",
    ],
    effect: "veto",
    near: ORDER_NOUNS,
    window: 5,
    afterOnly: true,
    unlessNear: SOLICITATION_NOUNS,
    why: "opt out of gift wrap / terminate my order is a customer-service request",
  },
  {
    keywords: ["terminate", "unenroll", "unregister", "deregister", "unsubscribe", "opt out", "optout"],
    effect: "unclear",
    near: ACCOUNT_NOUNS,
    window: 3,
    afterOnly: true,
    unlessNear: SOLICITATION_NOUNS,
    why: "terminate my account / unenroll from rewards: probably the account, maybe everything; ask",
  },
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
    keywords: ["cancel", "cancle"],
    effect: "unclear",
    near: ACCOUNT_NOUNS,
    window: 3,
    afterOnly: true,
    unlessNear: SOLICITATION_NOUNS,
    why: "cancel my account on your website: probably the account, maybe everything; ask",
  },
  {
    keywords: ["quit"],
    effect: "veto",
    near: QUIT_OBJECTS,
    window: 3,
    afterOnly: true,
    unlessNear: CONTACTING,
    why: "quit my job / quit coffee is about something else",
  },
  {
    keywords: ["quit"],
    effect: "veto",
    nextEndingIn: ["ing"],
    window: 4,
    unlessNear: CONTACTING,
    why: "quit smoking, quit vaping (but quit texting me, quit bothering me are about the texts)",
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
    near: ["when", "until", "till", "date", "long", "does", "did"],
    window: 4,
    unlessNear: MESSAGE_NOUNS,
    why: "when / what time does it end: probably about an offer, maybe about the texts",
  },
];

/**
 * Phrases that explicitly keep the texts ("unsubscribe from emails but keep
 * texts", "cancel the order but still text me"): an opt-out word beside one
 * is about something else, so the app asks once instead of opting out.
 * Never "keep getting texts" or "keep texting me": those are complaints.
 */
export const KEEPS_THE_TEXTS: readonly string[] = [
  "keep {the|my|your|} {texts|text|text messages|sms|messages|text alerts|txts}",
  "{but|though} {still|} {text|txt|message|msg|sms} me", "and still {text|txt|message|msg|sms} me",
  "still {want|like|love|need} {the|your|} {texts|text messages|messages|sms|text alerts}",
].flatMap(expandAlternatives);

/**
 * The opt-out words people misspell most. A spelling counts as one of them
 * after leetspeak ("st0p", "5TOP"), repeated letters and one swapped pair
 * ("sotp", "tsop"); one letter missing or added only for the long words, where
 * no common word is that close. Never a substituted letter ("cancer", "shop").
 */
export const MISSPELLED_OPT_OUTS: readonly string[] = ["stop", "stopall", "unsubscribe", "cancel", "optout", "revoke", "quit"];
/** Real words one edit away from a long family word: never read as it. */
export const NOT_MISSPELLINGS: readonly string[] = ["evoke", "cancels", "revoked"];
/** Digits read as the letters they stand for. */
export const LEET_LETTERS: Readonly<Record<string, string>> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t" };

// ───────────────────────────── Twilio ─────────────────────────────

/** Twilio's default keyword handling: exact whole body, trimmed, any case, English only. */
export const TWILIO_KEYWORDS = {
  STOP: ["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"],
  START: ["start", "yes", "unstop"],
  HELP: ["help", "info"],
} as const satisfies Record<"STOP" | "START" | "HELP", readonly string[]>;
