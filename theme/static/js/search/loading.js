/* What search downloads, and when: lunr.js and lunr-languages (once, on first use), meta.json,
   the shards a query needs (guessed from its words so they download while lunr loads), the
   facet files a filter needs, and the result cards on screen. Then `find` answers a query with
   the engine. */

import { ShardTable, readFacet, readMeta } from "./columns.js";
import { createAnalysis, guessTerms } from "./analysis.js";
import { ShardSource, found } from "./engine.js";

/* Scripts inserted with async = false download in parallel and run in order. */
export function loadScript(src) {
  return new Promise(function (resolve, reject) {
    const script = document.createElement("script");
    script.src = src;
    script.async = false;
    script.onload = resolve;
    script.onerror = function () { reject(new Error(src)); };  /* the page says the search is unavailable */
    document.head.appendChild(script);
  });
}

export function fetchJSON(url) {
  return fetch(url).then(function (response) {
    if (!response.ok) throw new Error(url + " : " + response.status);
    return response.json();
  });
}

export class Loader {
  /* base: the index folder's URL; stamp: meta.json's; libs: lunr's scripts in order;
     shards: meta.json's list of shards ([name, first term, hash]); client: the constants
     shared with index.py. */
  constructor(base, stamp, libs, shards, client) {
    this.base = base;
    this.stamp = stamp;
    this.libs = libs;
    this.table = new ShardTable(shards, client);
    this.client = client;
    this.lunrReady = null;
    this.metaReady = null;
    this.meta = null;
    this.analysis = null;
    this.rawShards = {};
    this.sources = {};
    this.facets = {};
    this.chunks = {};
  }

  /* lunr, then lunr-languages' stemmer support and language (none for English), loaded once,
     in order; then a query on a tiny
     index compiles lunr's query code while the shards download. */
  ensureLunr() {
    const self = this;
    if (!this.lunrReady) {
      this.lunrReady = Promise.all(this.libs.map(loadScript)).then(function () {
        const lunr = window.lunr;
        self.lunr = lunr;
        self.analysis = createAnalysis(lunr, self.client);
        const tiny = lunr(function () { this.ref("id"); this.field("name"); this.add({ id: "0", name: "essaim" }); });
        tiny.query(function (q) { q.term("essaim", { usePipeline: false }); q.term("ess", { wildcard: lunr.Query.wildcard.TRAILING }); });
      });
    }
    return this.lunrReady;
  }

  ensureMeta() {
    const self = this;
    if (!this.metaReady) {
      this.metaReady = fetchJSON(this.base + "meta.json?v=" + this.stamp).then(function (data) {
        self.meta = readMeta(data);
        return self.meta;
      });
    }
    return this.metaReady;
  }

  /* A shard's file, fetched as soon as its name is known (even before lunr has loaded). */
  fetchShard(name) {
    if (!this.rawShards[name]) this.rawShards[name] = fetchJSON(this.base + "shard-" + name + ".json?v=" + this.table.hashes[name]);
    return this.rawShards[name];
  }

  prefetch(text) {
    for (const term of guessTerms(text, this.client)) {
      const name = this.table.of(term);
      if (name) this.fetchShard(name);
    }
  }

  /* What a word is searched in, its shards loaded (null when the index has none of them). */
  ensureSource(analysed, wide) {
    const self = this, names = this.table.forWord(analysed, wide), key = names.join(" ");
    if (!names.length) return Promise.resolve(null);
    if (!this.sources[key]) {
      this.sources[key] = Promise.all([this.ensureLunr(), this.ensureMeta()].concat(names.map(function (name) {
        return self.fetchShard(name);
      }))).then(function (loaded) {
        return new ShardSource(self.lunr, loaded[1], loaded.slice(2));
      });
    }
    return this.sources[key];
  }

  /* A facet's file (its values and each document's), fetched once. */
  ensureFacet(name) {
    const self = this;
    if (!this.facets[name]) {
      this.facets[name] = this.ensureMeta().then(function (meta) {
        const facet = meta.client.facets.find(function (f) { return f.name === name; });
        return fetchJSON(self.base + "facet-" + name + ".json?v=" + meta.facets[name].hash).then(function (data) {
          return readFacet(data, facet, meta.count, meta.client);
        });
      });
    }
    return this.facets[name];
  }

  /* The result cards of documents number·chunk .. (number + 1)·chunk; `ready` once arrived. */
  ensureChunk(number) {
    if (!this.chunks[number]) {
      const chunk = this.chunks[number] = fetchJSON(this.base + "docs-" + number + ".json?v=" + this.stamp);
      chunk.then(function (cards) { chunk.ready = cards; }, function () { /* told by whoever waits */ });
    }
    return this.chunks[number];
  }

  card(doc) {
    const chunk = this.chunks[Math.floor(doc / this.meta.chunk)];
    return chunk && chunk.ready ? chunk.ready[doc % this.meta.chunk] : null;
  }

  /* The query's words and the documents that match them all (engine.found), loading what it
     needs first; `rank` orders those the filters keep. null: no word to search (browse). */
  find(text) {
    const self = this;
    this.prefetch(text);
    return Promise.all([this.ensureLunr(), this.ensureMeta()]).then(function () {
      const words = self.analysis.queryWords(text);
      if (!words.length) return null;
      function search(wide) {
        return Promise.all(words.map(function (a) { return self.ensureSource(a, wide); })).then(function (sources) {
          return found(self.lunr, words, function (a) { return sources[words.indexOf(a)]; }, self.analysis.shardKey);
        });
      }
      /* Nothing found: the words' neighbouring shards too (a typo across a cut between shards). */
      return search(false).then(function (query) { return query.docs.length ? query : search(true); });
    });
  }
}
