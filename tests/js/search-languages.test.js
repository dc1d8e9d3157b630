/* node --test: search in English and Spanish. Python builds the fixture's documents in each
   language (tests/js/fixture.py en|es) with that language's pipeline; search.js, given the
   language's lunr (lunr.js's own English, lunr-languages' Spanish), analyses words as Python did,
   and a query through the rebuilt shards scores exactly as one lunr index built with the
   pipeline meta.json names. */

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import lunr from "lunr";
import stemmerSupport from "lunr-languages/lunr.stemmer.support.js";
import spanish from "lunr-languages/lunr.es.js";

import { readMeta } from "../../theme/static/js/search/columns.js";
import { createAnalysis } from "../../theme/static/js/search/analysis.js";
import { ShardSource, WholeIndex, match } from "../../theme/static/js/search/engine.js";

stemmerSupport(lunr);
spanish(lunr);

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const python = process.env.ESSAIM_PYTHON || path.join(repo, ".venv/bin/python");

function load(language) {
  const fixture = JSON.parse(execFileSync(python, [path.join(here, "fixture.py"), language], { encoding: "utf-8" }));
  const files = fixture.files, client = files["meta.json"].client;
  const meta = readMeta(structuredClone(files["meta.json"]));
  const analysis = createAnalysis(lunr, client);
  const sources = {};
  const sourceFor = (a) => {
    const names = meta.table.forWord(a), id = names.join(" ");
    if (!names.length) return null;
    return (sources[id] = sources[id] || new ShardSource(lunr, meta, names.map((name) => files["shard-" + name + ".json"])));
  };
  const whole = new WholeIndex(lunr(function () {
    this.pipeline.reset();
    this.pipeline.add(...client.pipeline.map((label) => lunr.Pipeline.registeredFunctions[label]));
    this.ref("id");
    meta.fields.forEach((field, f) => this.field(field, { boost: meta.boosts[f] }));
    fixture.documents.forEach((d) => this.add(d));
  }));
  const docs = (q) => match(lunr, analysis.queryWords(q), sourceFor, analysis.shardKey).map((m) => m.doc);
  return { fixture, client, analysis, sourceFor, whole, docs };
}

const english = load("en"), spanishSite = load("es");

for (const [name, site, queries] of [
  ["English", english, ["bikes", "repairing", "repair together", "carpooling", "cooperative", "économie", "economie sociale", "the", "2026", "zzz"]],
  ["Spanish", spanishSite, ["bicicletas", "reparación", "reparacion", "educacion", "educación vial", "economia social", "de la", "2026", "zzz"]],
]) {
  test(`${name}: words analysed as Python does, with the pipeline meta.json names`, () => {
    assert.equal(site.client.language, name === "English" ? "en" : "es");
    for (const [text, terms] of Object.entries(site.fixture.terms)) {
      const found = text.toLowerCase().split(site.analysis.separator).filter(Boolean).map((w) => {
        const a = site.analysis.analyse(w);
        return a ? [a.term, ...(a.also ? [a.also] : [])] : [];
      });
      assert.deepEqual(found, terms, text);
    }
  });

  test(`${name}: queries through rebuilt shards score exactly as one lunr index of the same documents`, () => {
    let found = 0;
    for (const q of queries) {
      const words = site.analysis.queryWords(q);
      const sharded = match(lunr, words, site.sourceFor, site.analysis.shardKey).map((m) => [m.doc, m.score]);
      const reference = match(lunr, words, () => site.whole, site.analysis.shardKey).map((m) => [m.doc, m.score]);
      assert.deepEqual(sharded, reference, q);
      if (sharded.length) found++;
    }
    assert.ok(found >= queries.length - 3, `${found} queries with results`);
  });
}

test("English: stems meet across forms, stop words go, and French words are found without their accents", () => {
  assert.deepEqual(english.docs("bike"), english.docs("bikes"));
  assert.ok(english.docs("repairing").includes(0) && english.docs("repairing").includes(3));
  assert.deepEqual(english.analysis.queryWords("the and of"), []);
  assert.deepEqual(english.docs("economie"), [4]);
  assert.deepEqual(english.docs("économie"), [4]);
});

test("Spanish: a word typed without its accent finds the accented one, plurals meet their singular", () => {
  assert.deepEqual(spanishSite.docs("educación").sort(), [1, 4]);
  assert.deepEqual(spanishSite.docs("educacion").sort(), [1, 4]);
  assert.ok(spanishSite.docs("bicicleta").includes(0));
  assert.deepEqual(spanishSite.analysis.queryWords("de la y los"), []);
});
