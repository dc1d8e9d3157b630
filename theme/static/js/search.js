/* Essaim search: the index built at build time (plugins/essaim/search/index.py), loaded lazily,
   shard by shard, into real lunr.js indexes; French as people type it; facets with counts; the
   state in the URL. No framework. Without JavaScript the page explains itself (noscript). */
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  if (!form) return;
  var root = form.getAttribute("data-siteurl") || "";
  var base = form.getAttribute("data-index");
  var stamp = form.getAttribute("data-stamp");
  var libs = JSON.parse(form.getAttribute("data-libs"));
  var shardHashes = JSON.parse(form.getAttribute("data-shards"));
  var input = document.getElementById("search-q");
  var statusBox = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var facetBox = document.getElementById("search-facets");
  var FACETS = ["type", "theme", "legal_form", "city", "when", "territory"];
  var PAGE = 20;
  var SEPARATOR = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\-'\u2019\u02bc]+/;
  var KIND_LABELS = ["Acteur", "Initiative", "Événement"];

  /* ---------- The engine: no DOM here (tests and the benchmark use it too). ---------- */

  var lunrReady = null, meta = null, metaReady = null, shards = {}, chunks = {};
  var trimmer = null;

  /* Scripts inserted with async = false download in parallel and run in order. */
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("chargement impossible : " + src)); };
      document.head.appendChild(script);
    });
  }

  function fetchJSON(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + " : " + response.status);
      return response.json();
    });
  }

  /* lunr, lunr-languages (stemmer support, then French), loaded once. */
  function ensureLunr() {
    if (!lunrReady) lunrReady = Promise.all(libs.map(loadScript)).then(registerPipeline);
    return lunrReady;
  }

  /* Essaim's pipeline functions (see analysis.py): the same steps as the Python index. */
  function registerPipeline() {
    var lunr = window.lunr;
    var trim = lunr.trimmerSupport.generateTrimmer("0-9" + lunr.fr.wordCharacters);
    trimmer = function (token) {
      var trimmed = trim(token);
      return trimmed && trimmed.toString() ? trimmed : undefined;
    };
    lunr.Pipeline.registerFunction(trimmer, "trimmer-essaim");
    lunr.tokenizer.separator = SEPARATOR;
    /* Compile lunr's query code on a tiny index while the shards download. */
    var tiny = lunr(function () { this.ref("id"); this.field("name"); this.add({ id: "0", name: "essaim" }); });
    tiny.query(function (q) { q.term("essaim", { usePipeline: false }); q.term("ess", { wildcard: lunr.Query.wildcard.TRAILING }); });
  }

  function ensureMeta() {
    if (!metaReady) {
      metaReady = fetchJSON(base + "meta.json?v=" + stamp).then(function (data) {
        var n = data.count, nf = data.fields.length;
        ["lengths", "kind", "legal_form", "city", "territory"].forEach(function (name) { data[name] = unpack(data[name]); });
        unpackThemes(data);
        data.average = data.fields.map(function (_, f) {
          var sum = 0;
          for (var d = 0; d < n; d++) sum += data.lengths[d * nf + f];
          return n ? sum / n : 0;
        });
        meta = data;
        return data;
      });
    }
    return metaReady;
  }

  /* A column index.py packed (one character per value, offset 0x30), or a plain list. */
  function unpack(packed) {
    if (typeof packed !== "string") return Int32Array.from(packed);
    var out = new Int32Array(packed.length);
    for (var i = 0; i < packed.length; i++) out[i] = packed.charCodeAt(i) - 48;
    return out;
  }
  /* Themes: document d's are themeValues[themeStart[d] .. themeStart[d + 1]). */
  function unpackThemes(data) {
    var start = new Int32Array(data.count + 1), values = [], packed = data.themes, d = 0;
    if (typeof packed === "string") {
      for (var i = 0; i < packed.length; i++) {
        if (packed.charCodeAt(i) === 32) start[++d] = values.length;
        else values.push(packed.charCodeAt(i) - 48);
      }
    } else {
      packed.forEach(function (list) { values.push.apply(values, list); start[++d] = values.length; });
    }
    data.themeStart = start;
    data.themeValues = Int32Array.from(values);
    delete data.themes;
  }

  /* The shard of a term: its first two letters, as index.py's shard_key. */
  function keyLetter(c) {
    if (c >= "a" && c <= "z") return c;
    return c >= "0" && c <= "9" ? "0" : "_";
  }
  function shardKey(term) {
    return term.slice(0, 2).split("").map(keyLetter).join("");
  }

  /* One word as the index sees it: {folded, term}, or null for a stop word or punctuation. */
  function analyse(word) {
    var lunr = window.lunr;
    var token = trimmer(new lunr.Token(word.toLowerCase(), {}));
    if (!token || !lunr.fr.stopWordFilter(token)) return null;
    var folded = lunr.fr.accentFoldTerm(token.toString());
    var analysed = { folded: folded, term: stemOf(folded) };
    /* Plurals the stemmer keeps ("vélos" → velos): the singular's stem too. */
    if (folded.length > 3 && /[sx]$/.test(folded)) {
      var singular = stemOf(folded.slice(0, -1));
      if (singular !== analysed.term) analysed.singular = singular;
    }
    return analysed;
  }

  function stemOf(folded) {
    return window.lunr.fr.stemmer(new window.lunr.Token(folded, {})).toString();
  }

  function decode(encoded) {
    var out = [], doc = 0;
    for (var i = 0; i < encoded.length; i++) {
      var v = encoded[i];
      doc += v >> 1;
      out.push(doc, v & 1 ? encoded[++i] : 1);
    }
    return out;
  }

  /* Some of a shard's terms (their positions, ascending; all when omitted) → lunr's serialised
     index (BM25 vectors computed exactly as lunr.Builder#createFieldVectors does) →
     lunr.Index.load. lunr 2 divides a score by the query vector's magnitude, never the
     document's, so an index of the few terms a word can match scores them as the whole index
     would: building only those keeps a large index's first query fast. */
  var NO_METADATA = Object.freeze({});  /* lunr only reads a posting's metadata: share one */
  function rebuild(shard, selected) {
    var fields = meta.fields, nf = fields.length, n = meta.count, k1 = 1.2, b = 0.75;
    var lengths = meta.lengths, average = meta.average, boosts = meta.boosts;
    var invertedIndex = [], perField = fields.map(function () { return []; });
    var positions = selected || shard.terms.map(function (_, t) { return t; });
    positions.forEach(function (t) {
      var term = shard.terms[t], posting = { _index: t }, decoded = [], withTerm = 0, f, i;
      for (f = 0; f < nf; f++) {
        var docs = {}, pairs = shard.postings[t][f] ? decode(shard.postings[t][f]) : [];
        for (i = 0; i < pairs.length; i += 2) docs[pairs[i]] = NO_METADATA;
        posting[fields[f]] = docs;
        decoded.push(pairs);
        withTerm += pairs.length / 2;
      }
      var x = (n - withTerm + 0.5) / (withTerm + 0.5), idf = Math.log(1 + Math.abs(x));
      for (f = 0; f < nf; f++) {
        var pairs2 = decoded[f], vectors = perField[f], boost = boosts[f], avg = average[f];
        for (i = 0; i < pairs2.length; i += 2) {
          var doc = pairs2[i], tf = pairs2[i + 1];
          /* lunr.Builder#createFieldVectors, operation for operation (same rounding). */
          var score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (lengths[doc * nf + f] / avg)) + tf);
          score *= boost;
          score *= 1;
          var elements = vectors[doc];
          if (elements === undefined) elements = vectors[doc] = [];
          elements.push(t, Math.round(score * 1000) / 1000);
        }
      }
      invertedIndex.push([term, posting]);
    });
    var fieldVectors = [];
    perField.forEach(function (vectors, f) {
      vectors.forEach(function (elements, doc) { fieldVectors.push([fields[f] + "/" + doc, elements]); });
    });  /* forEach skips the holes: documents without these terms */
    return window.lunr.Index.load({
      version: window.lunr.version,
      fields: fields,
      fieldVectors: fieldVectors,
      invertedIndex: invertedIndex,
      pipeline: ["trimmer-essaim", "accentFold-fr", "stemmer-fr"]
    });
  }

  /* The first position in sorted `terms` not before `term`. */
  function lowerBound(terms, term) {
    var low = 0, high = terms.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (terms[middle] < term) low = middle + 1; else high = middle;
    }
    return low;
  }

  /* What a word is searched in: one shard (its lunr index built for the terms asked, kept for
     the next time), or a whole lunr index (tests compare the two). */
  function ShardSource(shard) {
    this.shard = shard;
    this.terms = shard.terms;  /* sorted, as index.py writes them */
    this.built = {};
    this.count = 0;
  }
  ShardSource.prototype.wordTerms = function (analysed) {
    var terms = this.terms, found = [];
    [analysed.term, analysed.singular].forEach(function (exact) {
      var at = exact ? lowerBound(terms, exact) : -1;
      if (at >= 0 && terms[at] === exact) found.push(at);
    });
    if (analysed.folded.length >= 3) {
      for (var t = lowerBound(terms, analysed.folded); t < terms.length && terms[t].lastIndexOf(analysed.folded, 0) === 0; t++) {
        found.push(t);
      }
    }
    return found;
  };
  ShardSource.prototype.index = function (positions) {
    var unique = positions.filter(function (t, i) { return positions.indexOf(t) === i; }).sort(function (a, b) { return a - b; });
    var key = unique.join(",");
    if (!(key in this.built)) {
      if (++this.count > 64) { this.built = {}; this.count = 1; }
      this.built[key] = rebuild(this.shard, unique);
    }
    return this.built[key];
  };
  ShardSource.prototype.positions = function (terms) {
    var all = this.terms;
    return terms.map(function (term) { return lowerBound(all, term); });
  };

  function WholeIndex(index) {
    this.whole = index;
    this.terms = Object.keys(index.invertedIndex);
  }
  WholeIndex.prototype.wordTerms = function () { return []; };
  WholeIndex.prototype.index = function () { return this.whole; };
  WholeIndex.prototype.positions = function () { return []; };

  /* A shard's file, fetched as soon as its key is known (even before lunr has loaded). */
  var rawShards = {};
  function fetchShard(key) {
    if (!rawShards[key]) rawShards[key] = fetchJSON(base + "shard-" + key + ".json?v=" + shardHashes[key]);
    return rawShards[key];
  }

  function ensureShard(key) {
    if (!(key in shardHashes)) return Promise.resolve(null);
    if (!shards[key]) {
      shards[key] = Promise.all([fetchShard(key), ensureLunr()]).then(function (loaded) {
        return new ShardSource(loaded[0]);
      });
    }
    return shards[key];
  }

  /* The shards a text will need, guessed without the stemmer (a stem begins with the same
     letter as its accent-folded word), so that they download while lunr and meta load (the
     page lists the shards and their hashes). */
  var FOLD = { "à": "a", "á": "a", "â": "a", "ä": "a", "ç": "c", "é": "e", "è": "e", "ê": "e", "ë": "e",
               "î": "i", "ï": "i", "ô": "o", "ö": "o", "ù": "u", "û": "u", "ü": "u", "ÿ": "y", "æ": "ae", "œ": "oe" };
  function prefetchShards(text) {
    text.toLowerCase().split(SEPARATOR).forEach(function (word) {
      var start = word.replace(/^[^0-9a-zà-öø-ÿœæ]+/, "").slice(0, 2).split("");
      var key = shardKey(start.map(function (c) { return FOLD[c] || c; }).join("").slice(0, 2));
      if (key && key in shardHashes) fetchShard(key);
    });
  }

  function ensureChunk(number) {
    if (!chunks[number]) {
      var chunk = chunks[number] = fetchJSON(base + "docs-" + number + ".json?v=" + stamp);
      chunk.then(function (cards) { chunk.ready = cards; });
    }
    return chunks[number];
  }

  /* One typo on words of five letters or more, after their first two letters: index terms
     (stems) of the same shard within one edit of the typed word's first four letters or more
     ("covoitrage" → "covoitur"). */
  function withinOneEdit(a, b) {
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0, j = 0, edits = 0;
    while (i < a.length && j < b.length) {
      if (a.charAt(i) === b.charAt(j)) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (a.length > b.length) i++;
      else if (a.length < b.length) j++;
      else { i++; j++; }
    }
    return edits + (a.length - i) + (b.length - j) <= 1;
  }

  function typoTerms(terms, analysed) {
    var word = analysed.folded, found = [], key = shardKey(analysed.term);
    if (word.length < 5) return found;
    for (var n = 0; n < terms.length; n++) {
      var term = terms[n];
      if (term.length < 4 || term === analysed.term || term === analysed.singular || term.lastIndexOf(word, 0) === 0) continue;
      if (shardKey(term) !== key || Math.abs(term.length - word.length) > 6) continue;
      for (var len = Math.max(4, term.length - 1); len <= term.length + 1; len++) {
        if (len <= word.length && withinOneEdit(term, word.slice(0, len))) { found.push(term); break; }
      }
    }
    return found;
  }

  /* Results of one word in one lunr index: the exact stem (and its singular's), and the word as
     a prefix (3 letters or more), with less weight. When nothing matches as typed, one typo. */
  function searchWord(source, analysed) {
    var lunr = window.lunr;
    var found = source.index(source.wordTerms(analysed)).query(function (q) {
      q.term(analysed.term, { usePipeline: false, boost: 10 });
      if (analysed.singular) q.term(analysed.singular, { usePipeline: false, boost: 10 });
      if (analysed.folded.length >= 3) {
        q.term(analysed.folded, { usePipeline: false, boost: 1, wildcard: lunr.Query.wildcard.TRAILING });
      }
    });
    if (found.length) return found;
    var typos = typoTerms(source.terms, analysed);
    return typos.length ? source.index(source.positions(typos)).query(function (q) {
      typos.forEach(function (term) { q.term(term, { usePipeline: false }); });
    }) : [];
  }

  function queryWords(text) {
    var out = [];
    text.toLowerCase().split(SEPARATOR).forEach(function (word) {
      var analysed = word && analyse(word);
      if (analysed && !out.some(function (a) { return a.term === analysed.term && a.folded === analysed.folded; })) {
        out.push(analysed);
      }
    });
    return out;
  }

  /* Every word must match (AND); a document's score is the sum of its words' lunr scores.
     `sourceFor(analysed)` gives what to search (its shard, or a WholeIndex in tests). */
  function match(words, sourceFor) {
    var scores = null, matched = {};
    words.forEach(function (analysed) {
      var source = sourceFor(analysed), found = {};
      (source ? searchWord(source, analysed) : []).forEach(function (result) {
        found[result.ref] = result.score;
        var terms = matched[result.ref] || (matched[result.ref] = {});
        Object.keys(result.matchData.metadata).forEach(function (term) { terms[term] = true; });
      });
      if (scores === null) { scores = found; return; }
      var next = {};
      Object.keys(scores).forEach(function (ref) { if (ref in found) next[ref] = scores[ref] + found[ref]; });
      scores = next;
    });
    return Object.keys(scores || {}).map(function (ref) {
      return { doc: Number(ref), score: Math.round(scores[ref] * 1e6) / 1e6, terms: matched[ref] };
    }).sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
  }

  /* The query's matches, loading what it needs first. null: no word to search (browse). */
  function find(text) {
    prefetchShards(text);
    return Promise.all([ensureLunr(), ensureMeta()]).then(function () {
      var words = queryWords(text);
      if (!words.length) return null;
      var keys = {};
      words.forEach(function (a) { keys[shardKey(a.term)] = true; });
      return Promise.all(Object.keys(keys).map(function (key) {
        return ensureShard(key).then(function (index) { keys[key] = index; });
      })).then(function () {
        return match(words, function (a) { return keys[shardKey(a.term)]; });
      });
    });
  }

  /* ---------- Facets ---------- */

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  /* Facet values by position, and each document's "when" (0 upcoming, 1 past, -1 not an event)
     for the visitor's day: a static site ages between two builds. */
  var values = null, when = null, whenDay = "";
  function facetValues() {
    if (!values) {
      values = [meta.kinds.slice(), meta.labels.themes.map(first), meta.labels.legal_forms.map(first),
                meta.labels.cities.map(first), ["upcoming", "past"], meta.labels.territories.map(first)];
    }
    var day = today();
    if (day !== whenDay) {
      when = new Int8Array(meta.count).fill(-1);
      Object.keys(meta.date).forEach(function (doc) { when[doc] = meta.date[doc] >= day ? 0 : 1; });
      whenDay = day;
    }
    return values;
  }
  function first(pair) { return pair[0]; }

  /* Apply the filters and count, for each facet, the values among documents that pass every
     other filter (no allocation per document: this runs at every keystroke). */
  function facet(matches, filters) {
    var all = facetValues(), wanted = [], counts = [], kept = [];
    FACETS.forEach(function (name, i) {
      var index = filters[name] ? all[i].indexOf(filters[name]) : -2;
      wanted.push(index === -1 ? -3 : index);  /* -2: no filter; -3: a value no document has */
      counts.push(new Int32Array(all[i].length));
    });
    var kinds = meta.kind, themeStart = meta.themeStart, themes = meta.themeValues, forms = meta.legal_form;
    var cities = meta.city, origins = meta.territory;
    for (var k = 0; k < matches.length; k++) {
      var d = matches[k].doc, v0 = kinds[d], v2 = forms[d], v3 = cities[d], v4 = when[d], v5 = origins[d];
      var from = themeStart[d], to = themeStart[d + 1], t;
      var fails = 0, failed = -1;
      if (wanted[0] !== -2 && v0 !== wanted[0]) { fails++; failed = 0; }
      if (wanted[1] !== -2) {
        for (t = from; t < to && themes[t] !== wanted[1]; t++);
        if (t === to) { fails++; failed = 1; }
      }
      if (wanted[2] !== -2 && v2 !== wanted[2]) { fails++; failed = 2; }
      if (wanted[3] !== -2 && v3 !== wanted[3]) { fails++; failed = 3; }
      if (wanted[4] !== -2 && v4 !== wanted[4]) { fails++; failed = 4; }
      if (wanted[5] !== -2 && v5 !== wanted[5]) { fails++; failed = 5; }
      if (fails === 0) kept.push(matches[k]);
      else if (fails > 1) continue;
      if (failed < 0 || failed === 0) counts[0][v0]++;
      if (failed < 0 || failed === 1) for (t = from; t < to; t++) counts[1][themes[t]]++;
      if ((failed < 0 || failed === 2) && v2 >= 0) counts[2][v2]++;
      if ((failed < 0 || failed === 3) && v3 >= 0) counts[3][v3]++;
      if ((failed < 0 || failed === 4) && v4 >= 0) counts[4][v4]++;
      if ((failed < 0 || failed === 5) && v5 >= 0) counts[5][v5]++;
    }
    return { kept: kept, counts: counts };
  }

  /* ---------- The page ---------- */

  var state = { q: "", filters: {} }, shown = 0, current = [], generation = 0;

  function readURL() {
    var params = new URLSearchParams(window.location.search), filters = {};
    FACETS.forEach(function (name) { if (params.get(name)) filters[name] = params.get(name); });
    return { q: params.get("q") || "", filters: filters };
  }

  function urlOf(s) {
    var params = new URLSearchParams();
    if (s.q) params.set("q", s.q);
    FACETS.forEach(function (name) { if (s.filters[name]) params.set(name, s.filters[name]); });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  var FACET_LABELS = [["Acteurs", "Initiatives", "Événements"], null, null, null, ["À venir", "Passés"], null];
  var LABEL_LISTS = ["", "themes", "legal_forms", "cities", "", "territories"];
  var MOST_CITIES = 50;

  /* Each select lists the values found, with their counts; the city list keeps the 50 most
     frequent (type a city's name in the box to find any other). */
  function renderFacets(counts) {
    var all = facetValues();
    FACETS.forEach(function (name, i) {
      var select = document.getElementById("facet-" + name);
      if (!select) return;  /* "Territoire" only when the directory includes its neighbours */
      var selected = state.filters[name] || "";
      var shown = [];
      for (var v = 0; v < all[i].length; v++) if (counts[i][v] || all[i][v] === selected) shown.push(v);
      if (name === "city" && shown.length > MOST_CITIES) {
        shown = shown.slice().sort(function (a, b) { return counts[i][b] - counts[i][a] || a - b; })
          .filter(function (v, rank) { return rank < MOST_CITIES || all[i][v] === selected; })
          .sort(function (a, b) { return a - b; });
      }
      var options = [new Option(select.getAttribute("data-all"), "")];
      shown.forEach(function (v) {
        var text = FACET_LABELS[i] ? FACET_LABELS[i][v] : meta.labels[LABEL_LISTS[i]][v][1];
        options.push(new Option(text + " (" + counts[i][v] + ")", all[i][v]));
      });
      select.replaceChildren.apply(select, options);
      select.value = selected;
    });
  }

  function highlight(element, text, terms) {
    text.split(/([\t\n\v\f\r \u00a0\u202f\-'\u2019\u02bc]+)/).forEach(function (part, i) {
      var analysed = i % 2 === 0 && part ? analyse(part) : null;
      if (analysed && terms && terms[analysed.term]) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        element.appendChild(mark);
      } else {
        element.appendChild(document.createTextNode(part));
      }
    });
  }

  /* A page of this site (a path), or a neighbouring directory's page (an http(s) URL). */
  function safeURL(path) {
    if (/^https?:\/\/[^\s]+$/i.test(path)) return path;
    return /^[a-z0-9][a-z0-9\-\/]*\/$/.test(path) ? root + "/" + path : root + "/";
  }

  function renderResult(m, card) {
    var kind = meta.kind[m.doc];
    var item = document.createElement("li");
    item.className = "search-result";
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = safeURL(card[1]);
    highlight(link, card[0], m.terms);
    heading.appendChild(link);
    item.appendChild(heading);
    var about = document.createElement("p");
    about.className = "search-result-meta";
    var details = [KIND_LABELS[kind]];
    if (card[4]) details.push(card[4]);
    if (card[3]) details.push(card[3]);
    if (card[5]) details.push("annuaire " + card[5]);
    about.textContent = details.join(" · ");
    item.appendChild(about);
    if (card[2]) {
      var summary = document.createElement("p");
      highlight(summary, card[2], m.terms);
      item.appendChild(summary);
    }
    var themes = Array.from(meta.themeValues.subarray(meta.themeStart[m.doc], meta.themeStart[m.doc + 1]),
      function (i) { return meta.labels.themes[i][1]; });
    if (themes.length) {
      var tags = document.createElement("p");
      tags.className = "search-result-themes";
      tags.textContent = "Thèmes : " + themes.join(", ");
      item.appendChild(tags);
    }
    return item;
  }

  /* Show the next results, in order, each as soon as its card file has arrived. */
  function showMore(focusFirst) {
    var page = current.slice(shown, shown + PAGE), mine = generation, next = 0, first = null;
    shown += page.length;
    more.hidden = shown >= current.length;
    function renderReady() {
      while (next < page.length && chunks[Math.floor(page[next].doc / meta.chunk)].ready) {
        var m = page[next++], item = renderResult(m, chunks[Math.floor(m.doc / meta.chunk)].ready[m.doc % meta.chunk]);
        first = first || item;
        list.appendChild(item);
        if (!window.essaimSearch.firstResultsAt) window.essaimSearch.firstResultsAt = performance.now();
      }
    }
    return Promise.all(page.map(function (m) {
      var chunk = ensureChunk(Math.floor(m.doc / meta.chunk));
      return chunk.then(function () { if (mine === generation) renderReady(); });
    })).then(function () {
      if (mine !== generation) return;
      if (focusFirst && first) first.querySelector("a").focus();
      document.documentElement.setAttribute("data-search-shown", String(shown));
    });
  }

  function describe(count) {
    var filtered = FACETS.some(function (name) { return state.filters[name]; });
    if (!state.q.trim() && !filtered) return "Tapez un mot, ou choisissez un filtre pour parcourir l'annuaire.";
    var text = count === 0 ? "Aucun résultat" : count === 1 ? "1 résultat" : count + " résultats";
    if (state.q.trim()) text += " pour « " + state.q.trim() + " »";
    if (filtered) text += " (filtres actifs)";
    if (count === 0) text += ". Essayez un autre mot, ou retirez un filtre.";
    return text;
  }

  /* Search with the current state and show the first results. */
  function run() {
    var mine = ++generation;
    var started = performance.now();
    return find(state.q).then(function (found) {
      if (mine !== generation) return;
      var filtered = FACETS.some(function (name) { return state.filters[name]; });
      var matches = found || [];
      if (found === null) {
        matches = [];
        for (var d = 0; d < meta.count; d++) matches.push({ doc: d, score: 0, terms: null });
      }
      var result = facet(matches, state.filters);
      renderFacets(result.counts);
      facetBox.hidden = false;
      current = found === null && !filtered ? [] : result.kept;
      shown = 0;
      list.replaceChildren();
      statusBox.textContent = describe(current.length);
      window.essaimSearch.lastQueryMs = performance.now() - started;
      return showMore(false);
    }).catch(function (error) {
      statusBox.textContent = "La recherche est indisponible pour le moment (" + error.message + ").";
      throw error;
    });
  }

  var timer = null;
  function scheduleRun() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      history.replaceState(state, "", urlOf(state));
      run();
    }, 120);
  }

  function restore(s) {
    state = { q: s.q, filters: Object.assign({}, s.filters) };
    input.value = state.q;
    FACETS.forEach(function (name) {
      var select = document.getElementById("facet-" + name);
      if (!select) return;
      if (state.filters[name] && !select.querySelector('option[value="' + CSS.escape(state.filters[name]) + '"]')) {
        select.appendChild(new Option(state.filters[name], state.filters[name]));
      }
      select.value = state.filters[name] || "";
    });
  }

  /* Nothing is downloaded until the visitor comes to the box (or arrives with a query). */
  input.addEventListener("focus", function () { if (!generation) run(); });
  input.addEventListener("input", function () { state.q = input.value; scheduleRun(); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    state.q = input.value;
    clearTimeout(timer);
    history.pushState(state, "", urlOf(state));
    run();
  });
  facetBox.addEventListener("change", function (event) {
    var name = event.target.id.replace("facet-", "");
    if (event.target.value) state.filters[name] = event.target.value;
    else delete state.filters[name];
    history.pushState(state, "", urlOf(state));
    run();
  });
  window.addEventListener("popstate", function () { restore(readURL()); run(); });
  more.addEventListener("click", function () { showMore(true); });

  /* Keyboard: ↓ from the box to the results, ↑/↓ between results, Échap back to the box
     (or, in the box, clears it). */
  function resultLinks() { return Array.prototype.slice.call(list.querySelectorAll("h2 a")); }
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && resultLinks().length) {
      event.preventDefault();
      resultLinks()[0].focus();
    } else if (event.key === "Escape" && input.value) {
      event.preventDefault();
      input.value = "";
      state.q = "";
      scheduleRun();
    }
  });
  list.addEventListener("keydown", function (event) {
    var links = resultLinks(), at = links.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" && at + 1 < links.length) { event.preventDefault(); links[at + 1].focus(); }
    else if (event.key === "ArrowUp") { event.preventDefault(); (at ? links[at - 1] : input).focus(); }
    else if (event.key === "Escape") { event.preventDefault(); input.focus(); }
  });

  window.essaimSearch = {
    find: find,
    match: match,
    queryWords: queryWords,
    searchWord: searchWord,
    ensureLunr: ensureLunr,
    ensureMeta: ensureMeta,
    shardKey: shardKey,
    rebuild: rebuild,
    WholeIndex: WholeIndex,
    run: function (q) { state.q = q; input.value = q; return run(); }
  };

  document.documentElement.classList.add("search-js");
  restore(readURL());
  if (state.q || FACETS.some(function (name) { return state.filters[name]; })) run();
  else { facetBox.hidden = true; }
})();
