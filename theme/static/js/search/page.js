/* Essaim search, the page: the box, the filters (one select per facet of meta.json's table,
   with counts), the results with the matched words highlighted, the state in the URL, the
   keyboard. The index is built at build time (plugins/essaim/search/index.py) and loaded lazily
   (loading.js) into real lunr.js indexes (engine.js). No framework. Without JavaScript the page
   explains itself (noscript). */

import { Loader } from "./loading.js";
import { Facets, dayOf, mostFrequent } from "./facets.js";
import { WholeIndex, match, rank } from "./engine.js";
import { hoursNow } from "../hours/client.js";
import { format, gettext, ngettext } from "../messages.js";

const PAGE = 20;
const KIND_LABELS = [gettext("Acteur"), gettext("Initiative"), gettext("Événement"), gettext("Offre ou besoin")];
const MOST = { city: 50 };  /* the most frequent values a long list shows (type the others) */
const LANGUAGE_CODE = /^[a-z]{2,3}$/;  /* a result's lang, from the index (written by our build) */

const form = document.getElementById("search-form");
if (form) start(form);

function start(form) {
  const root = form.getAttribute("data-siteurl") || "";
  const client = JSON.parse(form.getAttribute("data-client"));
  const loader = new Loader(form.getAttribute("data-index"), form.getAttribute("data-stamp"),
    JSON.parse(form.getAttribute("data-libs")), JSON.parse(form.getAttribute("data-shards")), client);
  const names = client.facets.map(function (facet) { return facet.name; });
  const input = document.getElementById("search-q");
  const statusBox = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const facetBox = document.getElementById("search-facets");
  let facets = null, state = { q: "", filters: {} }, shown = 0, current = [], generation = 0;
  const hoursConfig = form.hasAttribute("data-hours") ? JSON.parse(form.getAttribute("data-hours")) : null;
  let hoursKnown = null, hoursDone = false;  /* a promise, once the worker has been asked which hours are open now */
  let lastDocs = null, everyDocument = null;  /* the documents last counted; every document (browsing), made once */

  /* Which places are open now (the "open" facet): asked once, when first needed. */
  function knowHours() {
    if (!hoursKnown) {
      hoursKnown = hoursConfig
        ? loadFacets(["open"]).then(function () {
          const values = facets.facet("open").hoursValues;
          return values.length ? hoursNow(hoursConfig, values) : [];
        }).then(function (answers) {
          facets.setOpen(answers.map(function (answer) { return !!answer && answer.open === true; }));
          hoursDone = true;
        })
        : Promise.resolve().then(function () { hoursDone = true; });
    }
    return hoursKnown;
  }

  /* The facets' files `wanted` (names), each loaded once into `facets`. */
  function loadFacets(wanted) {
    return Promise.all(wanted.filter(function (name) { return !facets.loaded(name); }).map(function (name) {
      return loader.ensureFacet(name).then(function (data) { facets.load(name, data); });
    }));
  }

  function filtered() {
    return names.some(function (name) { return state.filters[name]; });
  }

  function readURL() {
    const params = new URLSearchParams(window.location.search), filters = {};
    for (const name of names) if (params.get(name)) filters[name] = params.get(name);
    return { q: params.get("q") || "", filters: filters };
  }

  function urlOf(s) {
    const params = new URLSearchParams();
    if (s.q) params.set("q", s.q);
    for (const name of names) if (s.filters[name]) params.set(name, s.filters[name]);
    const query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  /* Each select lists the values found, with their counts (a long list its most frequent); a
     facet whose file has not arrived yet keeps what it shows. */
  function renderFacets(counts) {
    facets.list.forEach(function (facet, i) {
      const select = document.getElementById("facet-" + facet.name);
      if (!select || !counts[i]) return;  /* "Territoire" only when the directory includes its neighbours */
      const selected = state.filters[facet.name] || "", count = counts[i];
      let values = [];
      for (let v = 0; v < facet.values.length; v++) if (count[v] || facet.values[v] === selected) values.push(v);
      const most = MOST[facet.name];
      if (most && values.length > most) values = mostFrequent(values, count, most, facet.values.indexOf(selected));
      const options = [new Option(select.getAttribute("data-all"), "")];
      for (const v of values) options.push(new Option(facet.labels[v] + " (" + count[v] + ")", facet.values[v]));
      select.replaceChildren.apply(select, options);
      select.value = selected;
    });
  }

  /* A card's words analysed once: the same words come back from one keystroke to the next. */
  const analysedWords = new Map();
  function analysedWord(word) {
    let analysed = analysedWords.get(word);
    if (analysed === undefined) {
      if (analysedWords.size >= 20000) analysedWords.clear();
      analysedWords.set(word, analysed = loader.analysis.analyse(word));
    }
    return analysed;
  }

  function highlight(element, text, terms) {
    loader.analysis.pieces(text).forEach(function (part, i) {
      const analysed = i % 2 === 0 && part ? analysedWord(part) : null;
      if (analysed && terms && terms[analysed.term]) {
        const mark = document.createElement("mark");
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
    const item = document.createElement("li");
    item.className = "search-result";
    const heading = document.createElement("h2"), link = document.createElement("a");
    link.href = safeURL(card[1]);
    if (LANGUAGE_CODE.test(card[8] || "")) link.lang = card[8];  /* not translated: its own language */
    highlight(link, card[0], m.terms);
    heading.appendChild(link);
    item.appendChild(heading);
    const about = document.createElement("p");
    about.className = "search-result-meta";
    const details = [KIND_LABELS[card[6]]];
    if (card[4]) details.push(card[4]);
    if (card[3]) details.push(card[3]);
    if (card[5]) details.push(format(gettext("annuaire %(territory)s"), { territory: card[5] }));
    about.textContent = details.join(" · ");
    item.appendChild(about);
    if (card[2]) {
      const summary = document.createElement("p");
      if (LANGUAGE_CODE.test(card[9] || "")) summary.lang = card[9];
      highlight(summary, card[2], m.terms);
      item.appendChild(summary);
    }
    if (card[7]) {
      const tags = document.createElement("p");
      tags.className = "search-result-themes";
      tags.textContent = format(gettext("Thèmes : %(themes)s"), { themes: card[7] });
      item.appendChild(tags);
    }
    return item;
  }

  /* The documents a filter keeps when no word is searched, as results (made a page at a time). */
  function browsing(kept) {
    return {
      length: kept.length,
      slice: function (from, to) {
        return Array.from(kept.subarray(from, to), function (doc) { return { doc: doc, score: 0, terms: null }; });
      }
    };
  }

  /* Show the next results, in order, each as soon as its card file has arrived. */
  function showMore(focusFirst) {
    const page = current.slice(shown, shown + PAGE), mine = generation, chunk = loader.meta.chunk;
    let next = 0, first = null;
    shown += page.length;
    more.hidden = shown >= current.length;
    function renderReady() {
      let card;
      while (next < page.length && (card = loader.card(page[next].doc))) {
        const item = renderResult(page[next++], card);
        first = first || item;
        list.appendChild(item);
        if (!window.essaimSearch.firstResultsAt) window.essaimSearch.firstResultsAt = performance.now();
      }
    }
    return Promise.all(page.map(function (m) {
      return loader.ensureChunk(Math.floor(m.doc / chunk)).then(function () { if (mine === generation) renderReady(); });
    })).then(function () {
      if (mine !== generation) return;
      if (focusFirst && first) first.querySelector("a").focus();
      document.documentElement.setAttribute("data-search-shown", String(shown));
    });
  }

  function describe(count) {
    if (!state.q.trim() && !filtered()) return gettext("Tapez un mot, ou choisissez un filtre pour parcourir l'annuaire.");
    let text = count === 0 ? gettext("Aucun résultat") : format(ngettext("%(count)s résultat", "%(count)s résultats", count), { count: count });
    if (state.q.trim()) text += format(gettext(" pour « %(query)s »"), { query: state.q.trim() });
    if (filtered()) text += gettext(" (filtres actifs)");
    if (count === 0) text += gettext(". Essayez un autre mot, ou retirez un filtre.");
    return text;
  }

  /* Search with the current state and show the first results: the filters' files needed
     first, the others (the counts of every filter) once the results are on screen. */
  function run() {
    const mine = ++generation, started = performance.now();
    let query;
    return loader.find(state.q).then(function (found) {
      query = found;
      facets = facets || new Facets(loader.meta);
      return loadFacets(names.filter(function (name) { return state.filters[name]; }));
    }).then(function () {
      if (mine !== generation) return;
      const meta = loader.meta;
      /* A filter on "Ouvert maintenant" waits for the opening-hours worker's answer. */
      if (hoursConfig && state.filters.open && !hoursDone) return knowHours().then(run);
      if (query === null && everyDocument === null) everyDocument = Int32Array.from({ length: meta.count }, function (_, d) { return d; });
      lastDocs = query === null ? everyDocument : query.docs;
      const result = facets.apply(lastDocs, state.filters, dayOf(new Date()));
      renderFacets(result.counts);
      facetBox.hidden = false;
      /* Only the documents kept are scored; browsing lists them in the directory's order. */
      current = query !== null ? rank(query, result.kept) : filtered() ? browsing(result.kept) : [];
      shown = 0;
      list.replaceChildren();
      statusBox.textContent = describe(current.length);
      window.essaimSearch.lastQueryMs = performance.now() - started;
      return showMore(false).then(function () {
        /* Once the first results are shown, every filter's counts; then (its library is large:
           never before them) those of "Ouvert maintenant". The results on screen stay. */
        function recount() {
          if (mine === generation) renderFacets(facets.apply(lastDocs, state.filters, dayOf(new Date())).counts);
        }
        const others = names.filter(function (name) { return !facets.loaded(name) && !(hoursConfig && name === "open"); });
        const counted = others.length ? loadFacets(others).then(recount) : Promise.resolve();
        if (hoursKnown || !hoursConfig) return counted;
        return counted.then(function () { knowHours().then(recount); });
      });
    }).catch(function (error) {
      statusBox.textContent = format(gettext("La recherche est indisponible pour le moment (%(error)s)."), { error: error.message });
      throw error;
    });
  }

  let timer = null;
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
    for (const name of names) {
      const select = document.getElementById("facet-" + name);
      if (!select) continue;
      if (state.filters[name] && !select.querySelector('option[value="' + CSS.escape(state.filters[name]) + '"]')) {
        select.appendChild(new Option(state.filters[name], state.filters[name]));
      }
      select.value = state.filters[name] || "";
    }
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
    const name = event.target.id.replace("facet-", "");
    if (event.target.value) state.filters[name] = event.target.value;
    else delete state.filters[name];
    history.pushState(state, "", urlOf(state));
    run();
  });
  window.addEventListener("popstate", function () { restore(readURL()); run(); });
  more.addEventListener("click", function () { showMore(true); });

  /* Keyboard: ↓ from the box to the results, ↑/↓ between results, Échap back to the box
     (or, in the box, clears it). */
  function resultLinks() { return Array.from(list.querySelectorAll("h2 a")); }
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
    const links = resultLinks(), at = links.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" && at + 1 < links.length) { event.preventDefault(); links[at + 1].focus(); }
    else if (event.key === "ArrowUp") { event.preventDefault(); (at ? links[at - 1] : input).focus(); }
    else if (event.key === "Escape") { event.preventDefault(); input.focus(); }
  });

  /* For the tests and the benchmark: the engine as the page uses it. */
  window.essaimSearch = {
    find: function (q) { return loader.find(q).then(function (query) { return query && rank(query, null); }); },
    queryWords: function (q) { return loader.analysis.queryWords(q); },
    match: function (words, sourceFor) { return match(loader.lunr, words, sourceFor, loader.analysis.shardKey); },
    ensureLunr: function () { return loader.ensureLunr(); },
    ensureMeta: function () { return loader.ensureMeta(); },
    WholeIndex: WholeIndex,
    run: function (q) { state.q = q; input.value = q; return run(); }
  };

  document.documentElement.classList.add("search-js");
  restore(readURL());
  if (state.q || filtered()) run();
  else facetBox.hidden = true;
}
