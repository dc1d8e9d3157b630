/* The search engine: a shard's terms turned back into a real lunr index, one word's results in
   it (exact stem, prefix, one typo), and a query's (every word must match). No DOM and no
   network: lunr, meta.json and the shards are passed in (node --test runs it). */

import { decode } from "./columns.js";

const NO_METADATA = Object.freeze({});  /* lunr only reads a posting's metadata: share one */

/* Some of a shard's terms (their positions, ascending; all when omitted) → lunr's serialised
   index (BM25 vectors computed exactly as lunr.Builder#createFieldVectors does) →
   lunr.Index.load. lunr 2 divides a score by the query vector's magnitude, never the
   document's, so an index of the few terms a word can match scores them as the whole index
   would: building only those keeps a large index's first query fast. */
export function rebuild(lunr, meta, shard, selected) {
  const fields = meta.fields, nf = fields.length, n = meta.count, k1 = 1.2, b = 0.75;
  const average = meta.average, boosts = meta.boosts;
  const invertedIndex = [], perField = fields.map(function () { return new Map(); });  /* doc → its vector */
  const positions = selected || shard.terms.map(function (_, t) { return t; });
  for (const t of positions) {
    const term = shard.terms[t], posting = { _index: t }, decoded = [];
    let withTerm = 0;
    for (let f = 0; f < nf; f++) {
      const docs = {}, pairs = shard.postings[t][f] ? decode(shard.postings[t][f], meta.client) : [];
      for (let i = 0; i < pairs.length; i += 3) docs[pairs[i]] = NO_METADATA;
      posting[fields[f]] = docs;
      decoded.push(pairs);
      withTerm += pairs.length / 3;
    }
    const x = (n - withTerm + 0.5) / (withTerm + 0.5), idf = Math.log(1 + Math.abs(x));
    for (let f = 0; f < nf; f++) {
      const pairs = decoded[f], vectors = perField[f], boost = boosts[f], avg = average[f];
      for (let i = 0; i < pairs.length; i += 3) {
        const doc = pairs[i], tf = pairs[i + 1];
        /* lunr.Builder#createFieldVectors, operation for operation (same rounding). */
        let score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (pairs[i + 2] / avg)) + tf);
        score *= boost;
        score *= 1;
        let elements = vectors.get(doc);
        if (elements === undefined) vectors.set(doc, elements = []);
        elements.push(t, Math.round(score * 1000) / 1000);
      }
    }
    invertedIndex.push([term, posting]);
  }
  const fieldVectors = [];
  perField.forEach(function (vectors, f) {
    /* In document order, as lunr's builder writes them (a Map, not an array with holes: a
       national index numbers its documents in the hundreds of thousands). */
    const docs = Int32Array.from(vectors.keys()).sort(), prefix = fields[f] + "/";
    for (const doc of docs) fieldVectors.push([prefix + doc, vectors.get(doc)]);
  });
  return lunr.Index.load({
    version: lunr.version,
    fields: fields,
    fieldVectors: fieldVectors,
    invertedIndex: invertedIndex,
    pipeline: meta.client.pipeline
  });
}

/* The first position in sorted `terms` not before `term`. */
export function lowerBound(terms, term) {
  let low = 0, high = terms.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (terms[middle] < term) low = middle + 1; else high = middle;
  }
  return low;
}

/* What a word is searched in: the shards its terms can be in, in term order, as one (its lunr
   index built for the terms asked, the last 64 kept), or a whole lunr index (tests compare the
   two). */
export class ShardSource {
  constructor(lunr, meta, shards) {
    this.lunr = lunr;
    this.meta = meta;
    const list = Array.isArray(shards) ? shards : [shards];
    this.shard = list.length === 1 ? list[0] : {
      terms: [].concat.apply([], list.map(function (s) { return s.terms; })),
      postings: [].concat.apply([], list.map(function (s) { return s.postings; }))
    };
    this.terms = this.shard.terms;  /* sorted: index.py writes each shard's, and shards, in order */
    this.built = [];  /* the lunr indexes built, oldest first: {terms (positions), index} */
  }

  /* The positions of the terms a word can match: its stem, its singular's, its folded form's,
     its prefix's. */
  wordTerms(analysed) {
    const terms = this.terms, found = [];
    for (const exact of [analysed.term, analysed.singular, analysed.also]) {
      const at = exact ? lowerBound(terms, exact) : -1;
      if (at >= 0 && terms[at] === exact) found.push(at);
    }
    if (analysed.folded.length >= 3) {
      for (let t = lowerBound(terms, analysed.folded); t < terms.length && terms[t].startsWith(analysed.folded); t++) {
        found.push(t);
      }
    }
    return found;
  }

  /* A lunr index holding at least these terms: one built already for more of them (a word
     typed on: « pub », then « publ ») scores them as one of their own would, so it serves. */
  index(positions) {
    const unique = Array.from(new Set(positions)).sort(function (a, b) { return a - b; });
    for (const built of this.built) {
      if (unique.every(function (t) { return built.terms.has(t); })) return built.index;
    }
    if (this.built.length >= 64) this.built.shift();
    const index = rebuild(this.lunr, this.meta, this.shard, unique);
    this.built.push({ terms: new Set(unique), index: index });
    return index;
  }

  positions(terms) {
    const all = this.terms;
    return terms.map(function (term) { return lowerBound(all, term); });
  }
}

export class WholeIndex {
  constructor(index) {
    this.whole = index;
    this.terms = Object.keys(index.invertedIndex);
  }
  wordTerms() { return []; }
  index() { return this.whole; }
  positions() { return []; }
}

/* Whether two words are at most one edit apart (insertion, deletion or substitution). */
export function withinOneEdit(a, b) {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0, j = 0, edits = 0;
  while (i < a.length && j < b.length) {
    if (a.charAt(i) === b.charAt(j)) { i++; j++; continue; }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (a.length < b.length) j++;
    else { i++; j++; }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/* One typo on words of five letters or more, after their first letters (the shard key): index
   terms (stems) of the same shard within one edit of the typed word's first four letters or
   more ("covoitrage" → "covoitur"). */
export function typoTerms(terms, analysed, shardKey) {
  const word = analysed.folded, found = [], key = shardKey(analysed.term);
  if (word.length < 5) return found;
  for (const term of terms) {
    if (term.length < 4 || term === analysed.term || term === analysed.singular || term === analysed.also || term.startsWith(word)) continue;
    if (shardKey(term) !== key || Math.abs(term.length - word.length) > 6) continue;
    for (let len = Math.max(4, term.length - 1); len <= term.length + 1; len++) {
      if (len <= word.length && withinOneEdit(term, word.slice(0, len))) { found.push(term); break; }
    }
  }
  return found;
}

/* Results of one word in one source: the exact stem (and its singular's, its folded form's), and the word as a
   prefix (3 letters or more), with less weight. When nothing matches as typed, one typo. */
export function searchWord(lunr, source, analysed, shardKey) {
  const found = source.index(source.wordTerms(analysed)).query(function (q) {
    q.term(analysed.term, { usePipeline: false, boost: 10 });
    if (analysed.singular) q.term(analysed.singular, { usePipeline: false, boost: 10 });
    if (analysed.also) q.term(analysed.also, { usePipeline: false, boost: 10 });
    if (analysed.folded.length >= 3) {
      q.term(analysed.folded, { usePipeline: false, boost: 1, wildcard: lunr.Query.wildcard.TRAILING });
    }
  });
  if (found.length) return found;
  const typos = typoTerms(source.terms, analysed, shardKey);
  return typos.length ? source.index(source.positions(typos)).query(function (q) {
    for (const term of typos) q.term(term, { usePipeline: false });
  }) : [];
}

/* A document's matches: its score, and (asked only for the results shown) the index terms each
   word matched in it, for highlighting. */
class Matched {
  constructor(doc, score, data) {
    this.doc = doc;
    this.score = score;
    this.data = data;  /* each word's lunr matchData.metadata */
  }

  get terms() {
    const terms = {};
    for (const metadata of this.data) for (const term in metadata) terms[term] = true;
    return terms;
  }
}

/* Every word must match (AND); a document's score is the sum of its words' lunr scores, and
   `terms` the index terms it matched (for highlighting). `sourceFor(analysed)` gives what to
   search: its shard, or a WholeIndex in tests. Documents are kept by number in Maps: a common
   word matches tens of thousands, too many keys for a plain object. */
export function match(lunr, words, sourceFor, shardKey) {
  let scores = null;
  for (const analysed of words) {
    const source = sourceFor(analysed), found = source ? wordResults(lunr, source, analysed, shardKey) : new Map();
    if (scores === null) {
      scores = new Map();
      for (const [doc, result] of found) scores.set(doc, [result.score, result.matchData.metadata]);
      continue;
    }
    const next = new Map();
    for (const [doc, kept] of scores) {
      const other = found.get(doc);
      if (other !== undefined) next.set(doc, [kept[0] + other.score, ...kept.slice(1), other.matchData.metadata]);
    }
    scores = next;
  }
  const results = [];
  for (const [doc, kept] of scores || []) {
    results.push(new Matched(doc, Math.round(kept[0] * 1e6) / 1e6, kept.slice(1)));
  }
  return results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
}

/* One word's lunr results in a source, by document number. A source remembers its last 64
   words: a query typed on (« public f », « public fr »…) searches its first words once. */
function wordResults(lunr, source, analysed, shardKey) {
  const key = [analysed.term, analysed.singular, analysed.also, analysed.folded].join("\u0000");
  const memo = source.words || (source.words = new Map());
  let found = memo.get(key);
  if (found === undefined) {
    found = new Map();
    for (const result of searchWord(lunr, source, analysed, shardKey)) found.set(Number(result.ref), result);
    if (memo.size >= 64) memo.delete(memo.keys().next().value);
    memo.set(key, found);
  }
  return found;
}
