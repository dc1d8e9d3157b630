/* node --test: theme/static/js/messages.js, the JavaScript's gettext: a translation found by its
   French text, plurals by the language's CLDR categories, French as the fallback. The catalogue
   is the one the build embeds (catalogue.js). */

import { test } from "node:test";
import assert from "node:assert/strict";
import { format, gettext, ngettext, useMessages } from "../../theme/static/js/messages.js";
import { catalogue } from "./catalogue.js";

const count = (n) => format(ngettext("%(count)s résultat", "%(count)s résultats", n), { count: n });

test("French, the source: the text as written, the singular for 0 and 1", () => {
  useMessages(catalogue("fr"), "fr");
  assert.equal(gettext("Aucun résultat"), "Aucun résultat");
  assert.deepEqual([0, 1, 2].map(count), ["0 résultat", "1 résultat", "2 résultats"]);
});

test("English and Spanish: the catalogue's translation, plurals by CLDR category", () => {
  useMessages(catalogue("en"), "en");
  assert.equal(gettext("Aucun résultat"), "No results");
  assert.deepEqual([1, 2].map(count), ["1 result", "2 results"]);
  useMessages(catalogue("es"), "es");
  assert.equal(gettext("Aucun résultat"), "Ningún resultado");
  assert.deepEqual([1, 5, 1000000].map(count), ["1 resultado", "5 resultados", "1.000.000 resultados"]);
  assert.equal(format(gettext(" pour « %(query)s »"), { query: "<b>" }), " para «<b>»");
});

test("a count is written as the language writes numbers, as Babel does on the pages", () => {
  useMessages(catalogue("fr"), "fr");
  assert.equal(count(12500), "12\u202f500 résultats");
  useMessages(catalogue("en"), "en");
  assert.equal(count(12500), "12,500 results");
  useMessages(catalogue("es"), "es");
  assert.deepEqual([1000, 12500].map(count), ["1000 resultados", "12.500 resultados"]);
  assert.equal(format("%(label)s n° %(row)s", { label: "Lieu", row: "3" }), "Lieu n° 3");
});

test("a text the catalogue lacks stays French; a placeholder without a value stays as it is", () => {
  useMessages({}, "en");
  assert.equal(gettext("Pas encore traduit"), "Pas encore traduit");
  assert.equal(format("%(a)s et %(b)s", { a: 1 }), "1 et %(b)s");
});
