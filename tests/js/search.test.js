/* node --test: the pure parts of search.js (theme/static/js/search/), read against an index that
   Python built (tests/js/fixture.py): the same columns, postings, shard names and words on both
   sides, typo candidates, facet counts, and a query through rebuilt shards scoring as one lunr
   index of the same documents. Run by `make test` (invoke test) before pytest. */

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import lunr from "lunr";
import stemmerSupport from "lunr-languages/lunr.stemmer.support.js";
import french from "lunr-languages/lunr.fr.js";

import { decode, readMeta, shardKey, unpack, unpackMulti } from "../../theme/static/js/search/columns.js";
import { createAnalysis, guessShardKeys } from "../../theme/static/js/search/analysis.js";
import { ShardSource, WholeIndex, match, typoTerms, withinOneEdit } from "../../theme/static/js/search/engine.js";
import { Facets, dayOf } from "../../theme/static/js/search/facets.js";

stemmerSupport(lunr);
french(lunr);

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const python = process.env.ESSAIM_PYTHON || path.join(repo, ".venv/bin/python");
const fixture = JSON.parse(execFileSync(python, [path.join(here, "fixture.py")], { encoding: "utf-8" }));
const files = fixture.files;
const client = files["meta.json"].client;
const meta = readMeta(structuredClone(files["meta.json"]));
const analysis = createAnalysis(lunr, client);
const key = analysis.shardKey;

test("meta.json's columns read as Python reads them", () => {
  for (const name of ["kind", "legal_form", "city", "territory"]) {
    assert.deepEqual(Array.from(meta.columns[name]), fixture.columns[name], name);
  }
  assert.deepEqual(Array.from(meta.lengths), fixture.columns.lengths);
  const themes = meta.columns.themes, perDocument = [];
  for (let d = 0; d < meta.count; d++) perDocument.push(Array.from(themes.values.subarray(themes.start[d], themes.start[d + 1])));
  assert.deepEqual(perDocument, fixture.columns.themes);
});

test("a column written as a list (values out of the packed range) reads the same", () => {
  assert.deepEqual(Array.from(unpack([3, -1, 70000], client)), [3, -1, 70000]);
  const multi = unpackMulti([[1, 2], [], [0]], 3, client);
  assert.deepEqual(Array.from(multi.start), [0, 2, 2, 3]);
  assert.deepEqual(Array.from(multi.values), [1, 2, 0]);
  const packed = unpackMulti(String.fromCharCode(1 + client.pack_offset) + client.pack_end + client.pack_end, 2, client);
  assert.deepEqual(Array.from(packed.start), [0, 1, 1]);
});

test("every term's postings decode to Python's (document, frequency) pairs, in the shard Python named", () => {
  let checked = 0;
  for (const [name, shard] of Object.entries(files)) {
    if (!name.startsWith("shard-")) continue;
    shard.terms.forEach((term, t) => {
      assert.equal("shard-" + key(term) + ".json", name, term);
      assert.equal(fixture.shard_of[term], key(term));
      const fields = shard.postings[t].map((encoded) => (encoded ? decode(encoded) : []));
      assert.deepEqual(fields, fixture.postings[term], term);
      checked++;
    });
  }
  assert.ok(checked > 20, `${checked} terms`);
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

test("the shards a query needs are guessed from its words' first letters, accents folded", () => {
  assert.deepEqual(guessShardKeys("Économie d'insertion, «vélo»", client), ["ec", "d", "in", "ve"]);
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
  const all = Array.from({ length: meta.count }, (_, doc) => ({ doc: doc, score: 0 }));
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
    assert.deepEqual(result.kept.map((m) => m.doc), all.filter((m) => passes(m.doc)).map((m) => m.doc), JSON.stringify(filters));
    facets.list.forEach((facet, i) => {
      const expected = facet.values.map((value) => all.filter((m) => passes(m.doc, facet.name) && valueOf(facet.name, m.doc).includes(value)).length);
      assert.deepEqual(Array.from(result.counts[i]), expected, `${JSON.stringify(filters)} ${facet.name}`);
    });
  }
  /* "when" follows the visitor's day: the May event is upcoming in April, past in June. */
  const when = facets.list.findIndex((f) => f.name === "when");
  assert.deepEqual(Array.from(facets.apply(all, {}, "2026-04-01").counts[when]), [2, 0]);
  assert.deepEqual(Array.from(facets.apply(all, {}, "2026-06-01").counts[when]), [1, 1]);
  assert.equal(dayOf(new Date(2026, 0, 5)), "2026-01-05");
});

test("queries through rebuilt shards score exactly as one lunr index of the same documents", () => {
  const whole = new WholeIndex(lunr(function () {
    this.pipeline.reset();
    this.pipeline.add(...["trimmer-essaim", "stopWordFilter-fr", "accentFold-fr", "stemmer-fr"].map((label) => lunr.Pipeline.registeredFunctions[label]));
    this.ref("id");
    meta.fields.forEach((field, f) => this.field(field, { boost: meta.boosts[f] }));
    fixture.documents.forEach((d) => this.add(d));
  }));
  const sources = {};
  const sourceFor = (a) => {
    const k = key(a.term), shard = files["shard-" + k + ".json"];
    return shard ? (sources[k] = sources[k] || new ShardSource(lunr, meta, shard)) : null;
  };
  const queries = ["vélos", "réparer", "reparation velo", "covoitrage", "l'établi", "économie sociale", "2026", "zzz", "cargo"];
  let found = 0;
  for (const q of queries) {
    const words = analysis.queryWords(q);
    const sharded = match(lunr, words, sourceFor, key).map((m) => [m.doc, m.score]);
    const reference = match(lunr, words, () => whole, key).map((m) => [m.doc, m.score]);
    assert.deepEqual(sharded, reference, q);
    if (sharded.length) found++;
  }
  assert.ok(found >= queries.length - 2, `${found} queries with results`);
  /* Verb and noun meet through the stem's prefix: "réparer" finds the bike workshop. */
  assert.ok(match(lunr, analysis.queryWords("réparer"), sourceFor, key).some((m) => m.doc === 0));
});
