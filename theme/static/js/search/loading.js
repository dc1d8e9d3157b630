/* What search downloads, and when: lunr.js and lunr-languages (once, on first use), meta.json,
   the shards a query needs (guessed from its first letters so they download while lunr loads),
   and the result cards on screen. Then `find` answers a query with the engine. */

import { readMeta } from "./columns.js";
import { createAnalysis, guessShardKeys } from "./analysis.js";
import { ShardSource, match } from "./engine.js";

/* Scripts inserted with async = false download in parallel and run in order. */
export function loadScript(src) {
  return new Promise(function (resolve, reject) {
    const script = document.createElement("script");
    script.src = src;
    script.async = false;
    script.onload = resolve;
    script.onerror = function () { reject(new Error("chargement impossible : " + src)); };
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
     shardHashes: {key: hash} of every shard; client: the constants shared with index.py. */
  constructor(base, stamp, libs, shardHashes, client) {
    this.base = base;
    this.stamp = stamp;
    this.libs = libs;
    this.shardHashes = shardHashes;
    this.client = client;
    this.lunrReady = null;
    this.metaReady = null;
    this.meta = null;
    this.analysis = null;
    this.rawShards = {};
    this.shards = {};
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

  /* A shard's file, fetched as soon as its key is known (even before lunr has loaded). */
  fetchShard(key) {
    if (!this.rawShards[key]) this.rawShards[key] = fetchJSON(this.base + "shard-" + key + ".json?v=" + this.shardHashes[key]);
    return this.rawShards[key];
  }

  prefetch(text) {
    for (const key of guessShardKeys(text, this.client)) if (key in this.shardHashes) this.fetchShard(key);
  }

  ensureShard(key) {
    const self = this;
    if (!(key in this.shardHashes)) return Promise.resolve(null);
    if (!this.shards[key]) {
      this.shards[key] = Promise.all([this.fetchShard(key), this.ensureLunr(), this.ensureMeta()]).then(function (loaded) {
        return new ShardSource(self.lunr, loaded[2], loaded[0]);
      });
    }
    return this.shards[key];
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

  /* The query's matches, loading what it needs first. null: no word to search (browse). */
  find(text) {
    const self = this;
    this.prefetch(text);
    return Promise.all([this.ensureLunr(), this.ensureMeta()]).then(function () {
      const analysis = self.analysis, words = analysis.queryWords(text);
      if (!words.length) return null;
      const sources = {};
      for (const a of words) sources[analysis.shardKey(a.term)] = null;
      return Promise.all(Object.keys(sources).map(function (key) {
        return self.ensureShard(key).then(function (source) { sources[key] = source; });
      })).then(function () {
        return match(self.lunr, words, function (a) { return sources[analysis.shardKey(a.term)]; }, analysis.shardKey);
      });
    });
  }
}
