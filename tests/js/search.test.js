/* node --test: the pure parts of search.js (theme/static/js/search/), read against an index that
   Python built (tests/js/fixture.py): the same columns, postings, shard names and words on both
   sides, typo candidates, facet counts, and a query through rebuilt shards scoring as one lunr
   index of the same documents — with each shard key in one shard, and cut into several (as a
   national directory's are). Run by `make test` (invoke test) before pytest. */

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import lunr from "lunr";
import stemmerSupport from "lunr-languages/lunr.stemmer.support.js";
import french from "lunr-languages/lunr.fr.js";

import { decode, readFacet, readMeta, shardKey, unpack, unpackMulti, unpackNumbers } from "../../theme/static/js/search/columns.js";
import { createAnalysis, guessTerms } from "../../theme/static/js/search/analysis.js";
import { ShardSource, WholeIndex, found, match, rank, typoTerms, withinOneEdit } from "../../theme/static/js/search/engine.js";
import { Facets, dayOf, mostFrequent } from "../../theme/static/js/search/facets.js";

stemmerSupport(lunr);
french(lunr);

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const python = process.env.ESSAIM_PYTHON || path.join(repo, ".venv/bin/python");
function load(...args) {
  const fixture = JSON.parse(execFileSync(python, [path.join(here, "fixture.py"), ...args], { encoding: "utf-8" }));
  const files = fixture.files, meta = readMeta(structuredClone(files["meta.json"]));
  /* What the page searches a word in: the shards its terms can be in, as one source (`wide`:
     with the shards beside the word's, as the page asks when nothing matched). `sourcesOf()`
     makes a new set of sources, remembering nothing yet. */
  const sourcesOf = () => {
    const sources = {};
    return (a, wide) => {
      const names = meta.table.forWord(a, wide), id = names.join(" ");
      if (!names.length) return null;
      return (sources[id] = sources[id] || new ShardSource(lunr, meta, names.map((name) => files["shard-" + name + ".json"])));
    };
  };
  const sourceFor = sourcesOf();
  const search = (words) => {
    const found = match(lunr, words, sourceFor, analysis.shardKey);
    return found.length ? found : match(lunr, words, (a) => sourceFor(a, true), analysis.shardKey);
  };
  return { fixture, files, meta, sourceFor, sourcesOf, search };
}

const whole = load("fr"), cut = load("fr", "40");
const { fixture, files, meta } = whole;
const client = files["meta.json"].client;
const analysis = createAnalysis(lunr, client);
const key = analysis.shardKey;
const facetFile = (name) => readFacet(structuredClone(files["facet-" + name + ".json"]), client.facets.find((f) => f.name === name), meta.count, client);

test("the facets' columns read as Python reads them", () => {
  for (const name of ["type", "legal_form", "city", "territory"]) {
    assert.deepEqual(Array.from(facetFile(name).column), fixture.columns[name], name);
  }
  const themes = facetFile("theme").column, perDocument = [];
  for (let d = 0; d < meta.count; d++) perDocument.push(Array.from(themes.values.subarray(themes.start[d], themes.start[d + 1])));
  assert.deepEqual(perDocument, fixture.columns.theme);
});

test("postings' numbers pack one character per digit and read back, large ones included", () => {
  const packed = String.fromCharCode(client.pack_offset + 5, client.pack_offset + client.digit_base + 2, client.pack_offset + 7);
  assert.deepEqual(unpackNumbers(packed, client), [5, 2 * client.digit_base + 7]);
  assert.deepEqual(unpackNumbers("", client), []);
});

test("a column written as a list (values out of the packed range) reads the same", () => {
  assert.deepEqual(Array.from(unpack([3, -1, 70000], client)), [3, -1, 70000]);
  const multi = unpackMulti([[1, 2], [], [0]], 3, client);
  assert.deepEqual(Array.from(multi.start), [0, 2, 2, 3]);
  assert.deepEqual(Array.from(multi.values), [1, 2, 0]);
  const packed = unpackMulti(String.fromCharCode(1 + client.pack_offset) + client.pack_end + client.pack_end, 2, client);
  assert.deepEqual(Array.from(packed.start), [0, 1, 1]);
});

for (const [name, site] of [["one shard per key", whole], ["keys cut into several shards", cut]]) {
  test(`${name}: every term's postings decode as Python reads them, in the shard the table finds`, () => {
    let checked = 0;
    for (const [file, shard] of Object.entries(site.files)) {
      if (!file.startsWith("shard-")) continue;
      shard.terms.forEach((term, t) => {
        assert.equal("shard-" + site.fixture.shard_of[term] + ".json", file, term);
        assert.equal(site.meta.table.of(term), site.fixture.shard_of[term], term);
        const fields = shard.postings[t].map((encoded) => (encoded ? decode(encoded, site.meta.client) : []));
        assert.deepEqual(fields, site.fixture.postings[term], term);
        checked++;
      });
    }
    assert.ok(checked > 20, `${checked} terms`);
  });

  test(`${name}: a prefix's shards hold every term that begins with it`, () => {
    const terms = Object.keys(site.fixture.postings);
    for (const term of terms) {
      for (let length = 2; length <= term.length; length++) {
        const prefix = term.slice(0, length), names = site.meta.table.spanning(prefix);
        const held = new Set(names.flatMap((n) => site.files["shard-" + n + ".json"].terms));
        for (const other of terms) if (other.startsWith(prefix)) assert.ok(held.has(other), `${prefix} → ${other}`);
        assert.ok(names.length <= 3, `${prefix}: ${names}`);
      }
    }
    assert.equal(site.meta.table.of("zzz"), null);
  });
}

test("keys cut into several shards: the cut fixture has them", () => {
  assert.ok(cut.meta.shards.filter((s) => s[0].includes("-")).length >= 3);
  assert.ok(!whole.meta.shards.some((s) => s[0].includes("-")));
});

test("shard keys: digits count as 0, other signs as _", () => {
  assert.equal(shardKey("2026", client), "00");
  assert.equal(shardKey("écu", client), "_c");
  assert.equal(shardKey("v", client), "v");
});

test("words split, trimmed, folded and stemmed as Python does, with the separator from meta.json", () => {
  for (const [text, terms] of Object.entries(fixture.terms)) {
    const found = text.toLowerCase().split(analysis.separator).filter(Boolean).map((w) => {
      const a = analysis.analyse(w);
      return a ? [a.term, ...(a.also ? [a.also] : [])] : [];
    });
    assert.deepEqual(found, terms, text);
  }
});

test("a plural the stemmer keeps also searches its singular; stop words and repeats are dropped", () => {
  const [velos] = analysis.queryWords("Vélos");
  assert.equal(velos.folded, "velos");
  assert.equal(velos.singular, analysis.analyse("vélo").term);
  assert.deepEqual(analysis.queryWords("de la ESS, ess !").map((a) => a.term), ["ess"]);
});

test("highlighting cuts a text at the index's separators, apostrophes included", () => {
  assert.deepEqual(analysis.pieces("l'Établi—vélo-cargo"), ["l", "'", "Établi—vélo", "-", "cargo"]);
  assert.deepEqual(analysis.pieces("a\u2009b c"), ["a", "\u2009", "b", " ", "c"]);
});

test("the terms a query needs are guessed from its words' first letters, accents folded", () => {
  assert.deepEqual(guessTerms("Économie d'insertion, «vélo»", client), ["econ", "economie", "d", "inse", "insertion", "velo"]);
});

test("one typo: a stem within one edit of the typed word's first letters, in the same shard", () => {
  assert.ok(withinOneEdit("covoitur", "covoitr"));
  assert.ok(withinOneEdit("abc", "abcd") && withinOneEdit("abcd", "abc") && withinOneEdit("abc", "abc"));
  assert.ok(!withinOneEdit("covoitur", "covaitra"));
  assert.ok(!withinOneEdit("abc", "abcde"));
  const terms = ["covoitur", "covid", "cooper", "covoit", "velo"];
  const typed = analysis.analyse("covoitrage");
  assert.deepEqual(typoTerms(terms, typed, key), ["covoitur", "covoit"]);  /* not "covid", "cooper" */
  assert.deepEqual(typoTerms(terms, analysis.analyse("covo"), key), []);  /* under five letters: none */
});

test("facet counts: each value counted among the documents every other filter keeps", () => {
  const facets = new Facets(meta);
  for (const facet of client.facets) facets.load(facet.name, facetFile(facet.name));
  const all = Int32Array.from({ length: meta.count }, (_, doc) => doc);
  const day = "2026-06-01";
  const valueOf = (name, doc) => {
    const facet = facets.list.find((f) => f.name === name);
    facets.refresh(day);
    if (facet.multi) return Array.from(facet.column.values.subarray(facet.column.start[doc], facet.column.start[doc + 1]), (v) => facet.values[v]);
    return facet.column[doc] >= 0 ? [facet.values[facet.column[doc]]] : [];
  };
  const filterSets = [{}, { type: "actor" }, { theme: "mobilite", city: "nantes" }, { when: "upcoming" },
    { territory: "voisins", type: "actor" }, { legal_form: "scic", theme: "reemploi" }, { city: "nowhere" }];
  for (const filters of filterSets) {
    const result = facets.apply(all, filters, day);
    const passes = (doc, except) => Object.entries(filters).every(([name, value]) => name === except || valueOf(name, doc).includes(value));
    assert.deepEqual(Array.from(result.kept), Array.from(all).filter((doc) => passes(doc)), JSON.stringify(filters));
    facets.list.forEach((facet, i) => {
      const expected = facet.values.map((value) => Array.from(all).filter((doc) => passes(doc, facet.name) && valueOf(facet.name, doc).includes(value)).length);
      assert.deepEqual(Array.from(result.counts[i]), expected, `${JSON.stringify(filters)} ${facet.name}`);
    });
  }
  /* "when" follows the visitor's day: the May event is upcoming in April, past in June. */
  const when = facets.list.findIndex((f) => f.name === "when");
  assert.deepEqual(Array.from(facets.apply(all, {}, "2026-04-01").counts[when]), [2, 0]);
  assert.deepEqual(Array.from(facets.apply(all, {}, "2026-06-01").counts[when]), [1, 1]);
  assert.equal(dayOf(new Date(2026, 0, 5)), "2026-01-05");
});

test("a facet not loaded yet counts nothing, and a filter on it is refused", () => {
  const facets = new Facets(meta), all = Int32Array.of(0);
  facets.load("type", facetFile("type"));
  const result = facets.apply(all, { type: "actor" }, "2026-06-01");
  assert.deepEqual(Array.from(result.kept), [0]);
  assert.equal(result.counts[facets.list.findIndex((f) => f.name === "city")], null);
  assert.throws(() => facets.apply(all, { city: "nantes" }, "2026-06-01"));
});

test("queries through rebuilt shards score exactly as one lunr index of the same documents", () => {
  const reference = new WholeIndex(lunr(function () {
    this.pipeline.reset();
    this.pipeline.add(...["trimmer-essaim", "stopWordFilter-fr", "accentFold-fr", "stemmer-fr"].map((label) => lunr.Pipeline.registeredFunctions[label]));
    this.ref("id");
    meta.fields.forEach((field, f) => this.field(field, { boost: meta.boosts[f] }));
    fixture.documents.forEach((d) => this.add(d));
  }));
  const queries = ["vélos", "réparer", "reparation velo", "covoitrage", "l'établi", "économie sociale", "2026", "zzz", "cargo", "co"];
  for (const site of [whole, cut]) {
    let found = 0;
    for (const q of queries) {
      const words = analysis.queryWords(q);
      const sharded = site.search(words).map((m) => [m.doc, m.score]);
      const expected = match(lunr, words, () => reference, key).map((m) => [m.doc, m.score]);
      assert.deepEqual(sharded, expected, q);
      if (sharded.length) found++;
    }
    assert.ok(found >= queries.length - 3, `${found} queries with results`);
    /* Verb and noun meet through the stem's prefix: "réparer" finds the bike workshop. */
    assert.ok(match(lunr, analysis.queryWords("réparer"), site.sourceFor, key).some((m) => m.doc === 0));
    /* A typo is found, even where it moves the word before the cut between two shards. */
    assert.ok(site.search(analysis.queryWords("covoitrage")).length > 0);
  }
});

test("ranking only the documents kept (by a filter, by the other words) scores them as ranking all", () => {
  /* The page asks lunr to score only what the filters keep: an index of those documents alone
     when they are few, the word's results over all its documents when they are most. Either way
     a kept document's score and highlighted terms are those of the whole ranking. Each ranking
     of kept documents is asked of fresh sources: a source that already ranked all of a word's
     documents answers from them. */
  let seed = 11, compared = 0;
  const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const queryOf = (site, words) => {
    const sourceFor = site.sourcesOf();
    const query = found(lunr, words, sourceFor, key);
    return query.docs.length ? query : found(lunr, words, (a) => sourceFor(a, true), key);
  };
  for (const site of [whole, cut]) {
    for (const q of ["vélos", "réparer", "reparation velo", "covoitrage", "économie sociale", "co", "a"]) {
      const words = analysis.queryWords(q), query = queryOf(site, words);
      const all = rank(query, null).map((m) => [m.doc, m.score, Object.keys(m.terms).sort()]);
      assert.deepEqual(all.map((m) => m.slice(0, 2)), site.search(words).map((m) => [m.doc, m.score]), q);
      for (const share of [0, 1, 3, 9, 10]) {
        const kept = Int32Array.from(Array.from(query.docs).filter(() => random(10) < share));
        const ranked = rank(queryOf(site, words), kept).map((m) => [m.doc, m.score, Object.keys(m.terms).sort()]);
        assert.deepEqual(rank(query, kept).map((m) => [m.doc, m.score]), ranked.map((m) => m.slice(0, 2)));
        assert.deepEqual(ranked, all.filter((m) => kept.includes(m[0])), `${q} (${kept.length} of ${query.docs.length})`);
        if (ranked.length) compared++;
      }
    }
  }
  assert.ok(compared > 20, `${compared} rankings compared`);
});

test("a query typed a letter at a time finds at each letter what a fresh engine finds", () => {
  /* The page keeps its sources: a word's results are remembered, and a lunr index built for a
     word's prefix serves the longer words typed after it. Neither may change a result. */
  for (const site of [whole, cut]) {
    const fresh = (words) => {
      const sourceFor = site.sourcesOf();
      const found = match(lunr, words, sourceFor, key);
      return found.length ? found : match(lunr, words, (a) => sourceFor(a, true), key);
    };
    let compared = 0;
    for (const text of ["réparation vélo", "économie sociale solidaire", "covoiturage", "vélo réparation", "réparer"]) {
      for (let end = 1; end <= text.length; end++) {
        const words = analysis.queryWords(text.slice(0, end));
        const typed = site.search(words).map((m) => [m.doc, m.score, Object.keys(m.terms).sort()]);
        const expected = fresh(words).map((m) => [m.doc, m.score, Object.keys(m.terms).sort()]);
        assert.deepEqual(typed, expected, text.slice(0, end));
        if (typed.length) compared++;
      }
    }
    assert.ok(compared > 30, `${compared} prefixes with results`);
  }
});

test("a long list shows the values counted most, ties in order, and the one chosen", () => {
  let seed = 7;
  const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let round = 0; round < 200; round++) {
    const size = 1 + random(300), count = new Int32Array(size), values = [];
    for (let v = 0; v < size; v++) { count[v] = random(4) ? random(20) : 0; if (count[v] || random(10) === 0) values.push(v); }
    const most = 1 + random(60), selected = random(3) ? -1 : random(size);
    const expected = values.slice().sort((a, b) => count[b] - count[a] || a - b)
      .filter((v, rank) => rank < most || v === selected).sort((a, b) => a - b);
    assert.deepEqual(mostFrequent(values, count, most, selected), expected);
  }
});

test("a lunr index built for some terms serves only words whose terms it holds", () => {
  const shard = files["shard-" + meta.table.names.find((n) => files["shard-" + n + ".json"].terms.length >= 3) + ".json"];
  const source = new ShardSource(lunr, meta, shard), terms = shard.terms;
  const first = source.index([0, 1]);
  assert.equal(source.index([1]), first);  /* a prefix's index serves the longer word */
  const next = source.index([1, 2]);
  assert.ok(terms[2] in next.index.invertedIndex, "a term the first index lacks is built");
  assert.ok(!(terms[2] in first.index.invertedIndex));
});
