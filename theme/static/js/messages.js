/* The JavaScript's messages in the page's language, gettext-style: `gettext("Aucun résultat")`
   is the French source (Babel extracts these calls into the catalogues, `invoke i18n-extract`);
   a page in another language carries its translations as JSON (<script id="essaim-messages">,
   written at build time from the catalogues by essaim.i18n.script_messages). A plural's
   translation is one text per CLDR category ("one", "many", "other"), chosen with
   Intl.PluralRules; French, the source, has none and takes the singular for 0 and 1. */

let catalogue = null, language = "fr";
let plurals = null, numbers = null;  /* the language's Intl.PluralRules and NumberFormat, made once: a map labels hundreds of cells */

function pluralRules() {
  return plurals || (plurals = new Intl.PluralRules(language));
}

function numberFormat() {
  return numbers || (numbers = new Intl.NumberFormat(language));
}

function messages() {
  if (catalogue === null) {
    const holder = typeof document !== "undefined" ? document.getElementById("essaim-messages") : null;
    catalogue = holder ? JSON.parse(holder.textContent) : {};
    language = typeof document !== "undefined" && document.documentElement.lang || "fr";
  }
  return catalogue;
}

/* The page's catalogue and language, for what has no page to read them from (a worker). */
export function current() {
  return { messages: messages(), language: language };
}

/* The language the messages speak ("fr", the source, when the page says none). */
export function currentLanguage() {
  messages();
  return language;
}

/* A catalogue given directly, where there is no page to read it from (node --test, a worker). */
export function useMessages(messagesByText, lang) {
  catalogue = messagesByText || {};
  language = lang || "fr";
  plurals = numbers = null;
}

export function gettext(text) {
  const found = messages()[text];
  return typeof found === "string" && found ? found : text;
}

export function ngettext(singular, plural, count) {
  const found = messages()[singular];
  if (found && typeof found === "object") {
    const text = found[pluralRules().select(count)] || found.other;
    if (text) return text;
  }
  return count <= 1 ? singular : plural;
}

/* `%(name)s` placeholders (as in the Python and the templates' messages) filled in; a whole
   number as the page's language writes it (« 12 500 », « 12,500 », as Babel does on the pages). */
export function format(text, values) {
  messages();
  return text.replace(/%\((\w+)\)s/g, function (whole, name) {
    if (!(name in values)) return whole;
    const value = values[name];
    return Number.isInteger(value) ? numberFormat().format(value) : String(value);
  });
}
