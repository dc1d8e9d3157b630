/* Words as the index sees them: the steps of plugins/essaim/search/analysis.py (split, trim,
   stop words, accent folding, French stemmer), run by lunr.js and lunr-languages. The separator
   and the word characters come from meta.json's "client" object (index.client_constants), so the
   browser splits words exactly as Python did. No DOM: lunr is passed in. */

import { shardKey } from "./columns.js";

/* lunr's pipeline with Essaim's trimmer, registered once per lunr, and the words of a text. */
export function createAnalysis(lunr, client) {
  const separator = new RegExp("[" + client.separator + "]+");
  const splitter = new RegExp("([" + client.separator + "]+)");
  const trim = lunr.trimmerSupport.generateTrimmer(client.word_characters);
  function trimmer(token) {
    const trimmed = trim(token);
    return trimmed && trimmed.toString() ? trimmed : undefined;
  }
  if (!lunr.Pipeline.registeredFunctions["trimmer-essaim"]) lunr.Pipeline.registerFunction(trimmer, "trimmer-essaim");
  lunr.tokenizer.separator = separator;

  function stemOf(folded) {
    return lunr.fr.stemmer(new lunr.Token(folded, {})).toString();
  }

  /* One word: {folded, term} (and the singular's stem for plurals the stemmer keeps: "vélos" →
     "velos", "velo"), or null for a stop word or punctuation. */
  function analyse(word) {
    const token = trimmer(new lunr.Token(word.toLowerCase(), {}));
    if (!token || !lunr.fr.stopWordFilter(token)) return null;
    const folded = lunr.fr.accentFoldTerm(token.toString());
    const analysed = { folded: folded, term: stemOf(folded) };
    if (folded.length > 3 && /[sx]$/.test(folded)) {
      const singular = stemOf(folded.slice(0, -1));
      if (singular !== analysed.term) analysed.singular = singular;
    }
    return analysed;
  }

  /* The distinct words of a query, in order. */
  function queryWords(text) {
    const out = [];
    for (const word of text.toLowerCase().split(separator)) {
      const analysed = word && analyse(word);
      if (analysed && !out.some(function (a) { return a.term === analysed.term && a.folded === analysed.folded; })) {
        out.push(analysed);
      }
    }
    return out;
  }

  /* A text cut into words and separators, alternately (words at even positions), with the
     separator the index used: what a result highlights is what matched. */
  function pieces(text) {
    return text.split(splitter);
  }

  return { analyse: analyse, queryWords: queryWords, pieces: pieces, separator: separator, shardKey: function (term) { return shardKey(term, client); } };
}

/* The shards a text will need, guessed without lunr (a stem begins with the same letters as its
   accent-folded word), so that they download while lunr and meta.json load. */
const FOLD = { "à": "a", "á": "a", "â": "a", "ä": "a", "ç": "c", "é": "e", "è": "e", "ê": "e", "ë": "e",
               "î": "i", "ï": "i", "ô": "o", "ö": "o", "ù": "u", "û": "u", "ü": "u", "ÿ": "y", "æ": "ae", "œ": "oe" };
export function guessShardKeys(text, client) {
  const keys = [], separator = new RegExp("[" + client.separator + "]+");
  for (const word of text.toLowerCase().split(separator)) {
    const start = word.replace(/^[^0-9a-zà-öø-ÿœæ]+/, "").slice(0, client.shard_prefix);
    const folded = Array.from(start, function (c) { return FOLD[c] || c; }).join("").slice(0, client.shard_prefix);
    const key = shardKey(folded, client);
    if (key && keys.indexOf(key) < 0) keys.push(key);
  }
  return keys;
}
