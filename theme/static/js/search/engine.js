/* The search engine: which documents a query's words match (every word must: `found`, from the
   shards' postings), then those the filters keep ranked by real lunr indexes rebuilt from the
   shards' terms (`rank`: each word's exact stem, its prefix, or one typo). No DOM and no
   network: lunr, meta.json and the shards are passed in (node --test runs it). */

import { decode } from "./columns.js";

const NO_METADATA = Object.freeze({});  /* lunr only reads a posting's metadata: share one */

/* Some of a shard's terms (their positions, ascending) → lunr's serialised index (BM25
   vectors computed exactly as lunr.Builder#createFieldVectors does) → lunr.Index.load. lunr 2
   divides a score by the query vector's magnitude, never the document's, so an index of the few
   terms a word can match scores them as the whole index would: building only those keeps a
   large index's first query fast. For the same reason an index of only some documents (`only`,
   ascending: those the filters keep, or those the other words matched) scores each as the
   whole index would; each term's idf still counts every document it is in. The documents are
   numbered 0.. in the index (`docs` gives each one's number in the directory): lunr keys its
   postings and matches by number, and a dense numbering keeps those objects fast. */
export function rebuild(lunr, meta, source, selected, only) {
  const fields = meta.fields, nf = fields.length, n = meta.count, k1 = 1.2, b = 0.75;
  const average = meta.average, boosts = meta.boosts;
  const decoded = selected.map(function (t) { return source.decoded(t); });
  const docs = only || union(decoded, n), localOf = new Map();
  for (let i = 0; i < docs.length; i++) localOf.set(docs[i], i);
  const invertedIndex = [], perField = fields.map(function () { return new Map(); });  /* doc → its vector */
  selected.forEach(function (t, p) {
    const term = source.terms[t], posting = { _index: t }, lists = decoded[p];
    let withTerm = 0;
    for (let f = 0; f < nf; f++) withTerm += lists[f].length / 3;
    const x = (n - withTerm + 0.5) / (withTerm + 0.5), idf = Math.log(1 + Math.abs(x));
    for (let f = 0; f < nf; f++) {
      const pairs = lists[f], vectors = perField[f], boost = boosts[f], avg = average[f], inField = {};
      for (let i = 0; i < pairs.length; i += 3) {
        const doc = localOf.get(pairs[i]);
        if (doc === undefined) continue;
        inField[doc] = NO_METADATA;
        const tf = pairs[i + 1];
        /* lunr.Builder#createFieldVectors, operation for operation (same rounding). */
        let score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (pairs[i + 2] / avg)) + tf);
        score *= boost;
        score *= 1;
        let elements = vectors.get(doc);
        if (elements === undefined) vectors.set(doc, elements = []);
        elements.push(t, Math.round(score * 1000) / 1000);
      }
      posting[fields[f]] = inField;
    }
    invertedIndex.push([term, posting]);  /* kept with no document left: the query's vector needs it */
  });
  const fieldVectors = [];
  perField.forEach(function (vectors, f) {
    /* In document order, as lunr's builder writes them. */
    const locals = Int32Array.from(vectors.keys()).sort(), prefix = fields[f] + "/";
    for (const doc of locals) fieldVectors.push([prefix + doc, vectors.get(doc)]);
  });
  const index = lunr.Index.load({
    version: lunr.version,
    fields: fields,
    fieldVectors: fieldVectors,
    invertedIndex: invertedIndex,
    pipeline: meta.client.pipeline
  });
  return { index: index, docs: docs };
}

/* The documents (ascending, once each) of some terms' decoded postings. */
function union(decoded, count) {
  const seen = new Uint8Array(count), docs = [];
  for (const lists of decoded) {
    for (const pairs of lists) {
      for (let i = 0; i < pairs.length; i += 3) {
        if (!seen[pairs[i]]) { seen[pairs[i]] = 1; docs.push(pairs[i]); }
      }
    }
  }
  return Int32Array.from(docs).sort();
}

/* The documents of two ascending lists that are in both. */
export function intersect(a, b) {
  const out = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else { out.push(a[i]); i++; j++; }
  }
  return Int32Array.from(out);
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

/* What a word is searched in: the shards its terms can be in, in term order, as one. A source
   keeps what a query typed on asks for again: its terms' decoded postings (up to
   DECODED_BUDGET numbers per source), its last 64 words (their terms and documents), the results of the
   last 64 questions asked of lunr, and its last 64 lunr indexes. */
const DECODED_BUDGET = 4000000;

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
    this.built = [];  /* the lunr indexes built for every document of their terms, oldest first: {terms (positions), built} */
    this.words = new Map();
    this.answers = new Map();  /* what lunr was asked (word.asked) → its results (Scored) */
    this.postings = new Map();  /* term position → {lists: its [doc, tf, length…] per field, size} */
    this.kept = 0;  /* the numbers `postings` holds */
  }

  /* A term's postings, decoded once while the budget allows. */
  decoded(t) {
    let entry = this.postings.get(t);
    if (entry === undefined) {
      const meta = this.meta, packed = this.shard.postings[t];
      const lists = meta.fields.map(function (_, f) { return Int32Array.from(packed[f] ? decode(packed[f], meta.client) : []); });
      entry = { lists: lists, size: lists.reduce(function (sum, l) { return sum + l.length; }, 0) };
      for (const [old, oldEntry] of this.postings) {
        if (this.kept + entry.size <= DECODED_BUDGET) break;
        this.postings.delete(old);
        this.kept -= oldEntry.size;
      }
      this.postings.set(t, entry);
      this.kept += entry.size;
    }
    return entry.lists;
  }

  /* The terms a word can match (their positions) and the boost searchWord's clauses give each:
     its stem, its singular's, its folded form's 10; each term its prefix expands to 1; summed
     where clauses meet, as lunr sums them into the query's vector. */
  wordBoosts(analysed) {
    const terms = this.terms, boosts = new Map();
    const add = function (t, boost) { boosts.set(t, (boosts.get(t) || 0) + boost); };
    for (const exact of [analysed.term, analysed.singular, analysed.also]) {
      const at = exact ? lowerBound(terms, exact) : -1;
      if (at >= 0 && terms[at] === exact) add(at, 10);
    }
    if (analysed.folded.length >= 3) {
      for (let t = lowerBound(terms, analysed.folded); t < terms.length && terms[t].startsWith(analysed.folded); t++) add(t, 1);
    }
    return boosts;
  }

  /* A word as this source sees it: the terms it matches (when none, those one typo away, each
     boosted 1), the documents they are in (ascending), and what lunr will be asked (`asked`:
     each term and its boost). Remembered: a query typed on (« public f », « public fr »…) reads
     its first words once. */
  word(analysed, shardKey) {
    const key = [analysed.term, analysed.singular, analysed.also, analysed.folded].join("\u0000");
    let word = this.words.get(key);
    if (word === undefined) {
      const count = this.meta.count, self = this;
      const docsOf = function (boosts) {
        return union(Array.from(boosts.keys(), function (t) { return self.decoded(t); }), count);
      };
      let boosts = this.wordBoosts(analysed), typos = null, docs = docsOf(boosts);
      if (!docs.length) {
        typos = typoTerms(this.terms, analysed, shardKey);
        boosts = new Map(this.positions(typos).map(function (t) { return [t, 1]; }));
        docs = docsOf(boosts);
      }
      const asked = Array.from(boosts).sort(function (a, b) { return a[0] - b[0]; });
      word = {
        analysed: analysed,
        positions: asked.map(function (pair) { return pair[0]; }),
        asked: asked.join(" "),
        typos: typos,
        docs: docs
      };
      if (this.words.size >= 64) this.words.delete(this.words.keys().next().value);
      this.words.set(key, word);
    }
    return word;
  }

  /* A lunr index of at least these terms, over every document they are in: one built already
     for more of them (a word typed on: « pub », then « publ ») scores them as one of their own
     would, so it serves. */
  index(positions) {
    const unique = Array.from(new Set(positions)).sort(function (a, b) { return a - b; });
    for (const kept of this.built) {
      if (unique.every(function (t) { return kept.terms.has(t); })) return kept.built;
    }
    if (this.built.length >= 64) this.built.shift();
    const built = rebuild(this.lunr, this.meta, this, unique, null);
    this.built.push({ terms: new Set(unique), built: built });
    return built;
  }

  /* A word's lunr results (Scored) for at least the documents `only` (ascending; all the
     word's when null). Few of them: an index of those alone. Most: the word's results over all
     its documents, kept under what lunr was asked: a letter typed that asks the same terms with
     the same boosts (« publ », « publi »: no term of their own, the same terms after them) has
     the same answer. */
  results(word, only) {
    let answer = this.answers.get(word.asked);
    if (answer !== undefined) return answer;  /* every document's, already: it serves any `only` */
    if (only === null || only.length * 2 > word.docs.length) {
      answer = searchWord(this.lunr, this.index(word.positions), word);
      if (this.answers.size >= 64) this.answers.delete(this.answers.keys().next().value);
      this.answers.set(word.asked, answer);
      return answer;
    }
    return searchWord(this.lunr, rebuild(this.lunr, this.meta, this, word.positions, only), word);
  }

  positions(terms) {
    const all = this.terms;
    return terms.map(function (term) { return lowerBound(all, term); });
  }
}

/* A whole lunr index as a source (the tests compare the shards' results with one's). */
export class WholeIndex {
  constructor(index) {
    this.whole = index;
    this.terms = Object.keys(index.invertedIndex);
  }

  word(analysed, shardKey, lunr) {
    const built = { index: this.whole, docs: null };
    let word = { analysed: analysed, typos: null };
    let results = searchWord(lunr, built, word);
    if (!results.found.length) {
      word = { analysed: analysed, typos: typoTerms(this.terms, analysed, shardKey) };
      results = word.typos.length ? searchWord(lunr, built, word) : results;
    }
    word.results = results;
    word.docs = Int32Array.from(results.docs).sort();
    return word;
  }

  results(word) { return word.results; }
}

/* One word's lunr results: `found` as lunr ranked them, `docs[i]` the number of found[i]'s
   document; `of(doc)` the result of one document (a Map made when first asked: only a query of
   several words asks). */
class Scored {
  constructor(found, docs) {
    this.found = found;
    this.docs = docs;
    this.byDoc = null;
  }

  of(doc) {
    if (this.byDoc === null) {
      this.byDoc = new Map();
      for (let i = 0; i < this.docs.length; i++) this.byDoc.set(this.docs[i], this.found[i]);
    }
    return this.byDoc.get(doc);
  }
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

/* One word's lunr results (Scored) in a built index ({index, docs}): the exact stem
   (and its singular's, its folded form's), and the word as a prefix (3 letters or more), with
   less weight; or, when the word matched nothing as typed, its terms one typo away. */
export function searchWord(lunr, built, word) {
  const analysed = word.analysed, typos = word.typos, wildcard = lunr.Query.wildcard.TRAILING;
  const found = built.index.query(function (q) {
    if (typos) {
      for (const term of typos) q.term(term, { usePipeline: false });
      return;
    }
    q.term(analysed.term, { usePipeline: false, boost: 10 });
    if (analysed.singular) q.term(analysed.singular, { usePipeline: false, boost: 10 });
    if (analysed.also) q.term(analysed.also, { usePipeline: false, boost: 10 });
    if (analysed.folded.length >= 3) q.term(analysed.folded, { usePipeline: false, boost: 1, wildcard: wildcard });
  });
  const docs = new Int32Array(found.length), local = built.docs;
  for (let i = 0; i < found.length; i++) docs[i] = local ? local[Number(found[i].ref)] : Number(found[i].ref);
  return new Scored(found, docs);
}

/* A query's words, each in its source, and the documents that match them all (AND; ascending):
   what the filters count. Scoring waits for `rank`, and only the documents kept. */
export function found(lunr, words, sourceFor, shardKey) {
  const parts = [];
  let docs = null;
  for (const analysed of words) {
    const source = sourceFor(analysed), word = source ? source.word(analysed, shardKey, lunr) : null;
    parts.push({ source: source, word: word });
    docs = word === null ? new Int32Array(0) : docs === null ? word.docs : intersect(docs, word.docs);
  }
  return { parts: parts, docs: docs || new Int32Array(0) };
}

/* A document's matches: its score, and (asked only for the results shown) the index terms each
   word matched in it, for highlighting. */
class Matched {
  constructor(doc, score, found) {
    this.doc = doc;
    this.score = score;
    this.found = found;  /* its lunr result, or each word's (an array) */
  }

  get terms() {
    const terms = {};
    for (const result of Array.isArray(this.found) ? this.found : [this.found]) {
      for (const term in result.matchData.metadata) terms[term] = true;
    }
    return terms;
  }
}

/* The documents `kept` (ascending, some of `query.docs`; all of them when null) in order: a
   document's score is the sum of its words' lunr scores, and `terms` the index terms it matched
   (for highlighting). Each word is scored by lunr among the documents kept only: a filter, or
   another word, that leaves few spares lunr the others. */
export function rank(query, kept) {
  const all = query.docs, results = [];
  if (!(kept || all).length) return results;
  const scored = query.parts.map(function (part) { return part.source.results(part.word, kept); });
  if (scored.length === 1) {
    /* One word: its results in lunr's order (by score: the sort below has little to do). */
    const only = scored[0], found = only.found;
    let keeps = null;
    if (kept && kept.length < all.length) {
      keeps = new Uint8Array(all[all.length - 1] + 1);
      for (const doc of kept) keeps[doc] = 1;
    }
    for (let i = 0; i < found.length; i++) {
      const doc = only.docs[i];
      if (keeps === null || keeps[doc]) results.push(new Matched(doc, Math.round(found[i].score * 1e6) / 1e6, found[i]));
    }
  } else {
    for (const doc of kept || all) {
      let score = 0;
      const each = [];
      for (const byWord of scored) {
        const result = byWord.of(doc);
        score += result.score;
        each.push(result);
      }
      results.push(new Matched(doc, Math.round(score * 1e6) / 1e6, each));
    }
  }
  return results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
}

/* Every document matching every word (AND), ranked. `sourceFor(analysed)` gives what to search:
   its shards, or a WholeIndex in tests. */
export function match(lunr, words, sourceFor, shardKey) {
  return rank(found(lunr, words, sourceFor, shardKey), null);
}
