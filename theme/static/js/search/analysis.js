/* Words as the index sees them: the steps of plugins/essaim/analysis.py (split, trim, the
   language's stop words, accent folding, the language's stemmer), run by lunr.js and
   lunr-languages. The separator, the word characters, the folding and the pipeline come from
   meta.json's "client" object (index.client_constants), so the browser analyses words exactly as
   Python did. No DOM: lunr is passed in. */

import { shardKey } from "./columns.js";

/* A word with client.folds applied, character by character (as Python's str.translate). */
export function foldWith(folds, word) {
  let out = "";
  for (const c of word) out += folds[c] !== undefined ? folds[c] : c;
  return out;
}

/* lunr's pipeline with Essaim's trimmer and folding, registered once per lunr, and the words of
   a text. English is lunr's own language (lunr.stemmer); the others are lunr-languages'. */
export function createAnalysis(lunr, client) {
  const separator = new RegExp("[" + client.separator + "]+");
  const splitter = new RegExp("([" + client.separator + "]+)");
  const trim = lunr.trimmerSupport.generateTrimmer(client.word_characters);
  function trimmer(token) {
    const trimmed = trim(token);
    return trimmed && trimmed.toString() ? trimmed : undefined;
  }
  function accentFold(token) {
    return token.update(function (word) { return foldWith(client.folds, word); });
  }
  if (!lunr.Pipeline.registeredFunctions["trimmer-essaim"]) lunr.Pipeline.registerFunction(trimmer, "trimmer-essaim");
  if (!lunr.Pipeline.registeredFunctions["accentFold-essaim"]) lunr.Pipeline.registerFunction(accentFold, "accentFold-essaim");
  lunr.tokenizer.separator = separator;
  const language = client.language === "en" ? lunr : lunr[client.language];
  const stopWordFilter = language.stopWordFilter, stemmer = language.stemmer;

  function stemOf(word) {
    return stemmer(new lunr.Token(word, {})).toString();
  }

  /* One word: {folded, term} (and the singular's stem for plurals the stemmer keeps: "vélos" →
     "velos", "velo"; and, where folding adds the folded word beside the word (Spanish), the
     folded word's stem: "educacion" → "educacion" beside "educación" → "educ"), or null for a
     stop word or punctuation. */
  function analyse(word) {
    const token = trimmer(new lunr.Token(word.toLowerCase(), {}));
    if (!token || !stopWordFilter(token)) return null;
    const folded = foldWith(client.folds, token.toString());
    const stemmed = client.fold_expands ? token.toString() : folded;
    const analysed = { folded: folded, term: stemOf(stemmed) };
    if (client.fold_expands && folded !== stemmed) {
      const also = stemOf(folded);
      if (also !== analysed.term) analysed.also = also;
    }
    if (stemmed.length > 3 && /[sx]$/.test(stemmed)) {
      const singular = stemOf(stemmed.slice(0, -1));
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

/* The index terms a text's words will likely need, guessed without lunr (a stem begins with
   the accent-folded word's first letters: its first four, and the word itself), so that their
   shards download while lunr and meta.json load. */
export function guessTerms(text, client) {
  const terms = [], separator = new RegExp("[" + client.separator + "]+");
  for (const word of text.toLowerCase().split(separator)) {
    const start = word.replace(/^[^0-9a-zà-öø-ÿœæ]+/, "").replace(/[^0-9a-zà-öø-ÿœæ]+$/, "");
    const folded = foldWith(client.folds, start);
    for (const term of [folded.slice(0, 4), folded]) {
      if (term && terms.indexOf(term) < 0) terms.push(term);
    }
  }
  return terms;
}
