/* Essaim: the map. Progressive enhancement over the list of places by city; no framework.
   Untrusted text (names, summaries) is only ever set with textContent. A module (its messages
   come from messages.js): it runs once the page is parsed, after the classic scripts before it. */

import { format, gettext, ngettext } from "./messages.js";
import { cellCount, cellZoom, contains, filterKeys, leafName, leavesInView } from "./map-tiles.js";

/* Leaflet shows the attribution as HTML: the link is made as an element, then serialised, so
   that neither the text nor the address (territory.yml's map.attribution_url) can add markup. */
function essaimAttribution(box) {
  var link = document.createElement("a");
  link.href = box.dataset.attributionUrl;
  link.textContent = box.dataset.attribution;
  return link.outerHTML;
}

(function () {
  "use strict";
  if (!window.L) { return; }
  Array.prototype.forEach.call(document.querySelectorAll(".mini-map"), function (box) {
    var here = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
    var mini = L.map(box, { zoomControl: false, dragging: false, scrollWheelZoom: false, keyboard: false,
      doubleClickZoom: false, boxZoom: false, touchZoom: false }).setView(here, 15);
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: essaimAttribution(box) }).addTo(mini);
    L.marker(here, { interactive: false, keyboard: false, alt: box.dataset.label }).addTo(mini);
    box.dataset.ready = "true";
  });
})();

/* The map page's style sheets (Leaflet's) are loaded here, not in the page's head: the page and
   its list of places show without waiting for them; the map is made once they have loaded
   (Leaflet places its panes and markers by them). */
function essaimStyles(urls, then) {
  var waiting = urls.length;
  if (!waiting) { then(); return; }
  urls.forEach(function (href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.onload = link.onerror = function () { if (--waiting === 0) { then(); } };
    document.head.appendChild(link);
  });
}

/* The map page loads Leaflet (its styles, then its scripts in order) only when the visitor asks
   for the map, or arrives asking for it (`?vue=carte`, the links "Voir sur la carte"): on a slow
   phone or a 2G connection, the list of places beside it is there at once, and the map's
   library and tiles (a few hundred kilobytes) are the visitor's choice. The embedded map (an
   iframe's page, which has Leaflet in its head) is shown at once. */
function essaimScripts(urls, then) {
  var waiting = urls.length;
  if (!waiting) { then(); return; }
  urls.forEach(function (src) {
    var script = document.createElement("script");
    script.src = src;
    script.async = false;  /* in order: Leaflet, then its cluster plugin */
    script.onload = script.onerror = function () { if (--waiting === 0) { then(); } };
    document.head.appendChild(script);
  });
}

(function () {
  "use strict";
  var element = document.getElementById("carte");
  if (!element) { return; }
  function show() {
    essaimStyles(element.dataset.css ? JSON.parse(element.dataset.css) : [], function () {
      essaimScripts(element.dataset.scripts ? JSON.parse(element.dataset.scripts) : [], function () {
        if (!window.L) { return; }
        element.replaceChildren();
        essaimMap(element);
      });
    });
  }
  var asked = new URLSearchParams(window.location.search).get("vue") === "carte";
  if (window.L || asked || !element.dataset.scripts) { show(); return; }
  var offer = document.createElement("p");
  offer.className = "map-offer";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = gettext("Afficher la carte interactive");
  var note = document.createElement("span");
  note.textContent = element.dataset.offerNote || "";
  offer.appendChild(button);
  offer.appendChild(note);
  element.appendChild(offer);
  button.addEventListener("click", function () {
    button.disabled = true;
    button.textContent = gettext("Chargement de la carte…");
    var query = new URLSearchParams(window.location.search);
    query.set("vue", "carte");
    window.history.replaceState(null, "", window.location.pathname + "?" + query.toString());
    show();
  });
})();

function essaimMap(element) {
  "use strict";
  var embed = element.dataset.embed === "true";
  var params = new URLSearchParams(window.location.search);
  var filters = { type: params.get("type") || "", theme: params.get("theme") || "", legal_form: params.get("legal_form") || "" };
  if (document.querySelector("#filtres-carte [name=exchange]")) { filters.exchange = params.get("exchange") || ""; }
  if (document.querySelector("#filtres-carte [name=open]")) { filters.open = params.get("open") || ""; }
  /* « Ouvert maintenant »: each place's hours read by the opening-hours worker (js/hours/),
     once, when the filter or a popup first needs them (the library is large: a visitor who
     needs neither never downloads it); {hours expression: description}. */
  var hoursNow = {}, hoursAsked = null;
  function askHours() {
    if (hoursAsked || !element.dataset.hours || !window.Promise) { return hoursAsked; }
    var values = [];
    features.forEach(function (f) {
      var v = f.properties.opening_hours;
      if (v && values.indexOf(v) === -1) { values.push(v); }
    });
    hoursAsked = import(element.dataset.hoursClient).then(function (client) {
      return client.hoursNow(JSON.parse(element.dataset.hours), values);
    }).then(function (answers) {
      values.forEach(function (v, i) { if (answers[i]) { hoursNow[v] = answers[i]; } });
      if (filters.open) { render(); }
    }).catch(function () { /* no worker: the map simply says nothing of now */ });
    return hoursAsked;
  }
  var TYPE_LABELS = { actor: gettext("Acteur"), initiative: gettext("Initiative"), event: gettext("Événement") };
  var LANGUAGE_CODE = /^[a-z]{2,3}$/;  /* a place's untranslated name or summary: its lang */

  var map = L.map(element, { scrollWheelZoom: !embed ? false : true });
  map.fitBounds(JSON.parse(element.dataset.bounds), { padding: [20, 20] });
  L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: essaimAttribution(element) }).addTo(map);
  /* Never one long task: the markers are added 20 ms at a time (the default is 200 ms), and
     clusters split and merge without animating (each animation step moved every marker in view
     at once). */
  var adding = null;  /* called once markercluster has added its last chunk */
  var cluster = L.markerClusterGroup({
    chunkedLoading: true, chunkInterval: 20, chunkDelay: 10, animate: false,
    chunkProgress: function (processed, total) {
      if (processed === total && adding) { var done = adding; adding = null; done(); }
    }
  });
  map.addLayer(cluster);
  var features = [];
  var markers = [];

  function matches(feature) {
    var p = feature.properties;
    return (!filters.type || p.type === filters.type) &&
      (!filters.theme || p.themes.indexOf(filters.theme) !== -1) &&
      (!filters.legal_form || p.legal_form === filters.legal_form) &&
      (!filters.exchange || (filters.exchange === "need" ? p.needs > 0 : p.offers > 0)) &&
      (!filters.open || (hoursNow[p.opening_hours] || {}).open === true);
  }

  function popup(p) {
    var box = document.createElement("div");
    var kind = document.createElement("p");
    kind.className = "popup-kind";
    kind.textContent = TYPE_LABELS[p.type] + (p.city ? " · " + p.city : "") +
      (p.territory ? " · " + format(gettext("annuaire %(territory)s"), { territory: p.territory }) : "");
    var title = document.createElement("a");
    title.href = p.url;
    title.textContent = p.name;
    if (LANGUAGE_CODE.test(p.name_lang || "")) { title.lang = p.name_lang; }  /* untranslated */
    if (embed) { title.target = "_top"; }
    var heading = document.createElement("strong");
    heading.appendChild(title);
    var summary = document.createElement("p");
    summary.textContent = p.summary;
    if (LANGUAGE_CODE.test(p.summary_lang || "")) { summary.lang = p.summary_lang; }
    box.appendChild(heading);
    box.appendChild(kind);
    box.appendChild(summary);
    var now = p.opening_hours && hoursNow[p.opening_hours];
    if (now) {
      var open = document.createElement("p");
      open.className = "hours-now";
      open.textContent = now.text;
      box.appendChild(open);
    }
    if (p.needs || p.offers) {
      var exchange = document.createElement("p");
      var parts = [];
      if (p.needs) { parts.push(format(ngettext("%(count)s besoin", "%(count)s besoins", p.needs), { count: p.needs })); }
      if (p.offers) { parts.push(format(ngettext("%(count)s offre", "%(count)s offres", p.offers), { count: p.offers })); }
      exchange.textContent = format(gettext("Coups de main : %(exchanges)s"), { exchanges: parts.join(", ") });
      box.appendChild(exchange);
    }
    return box;
  }

  /* A popup says whether its place is open now: the worker is asked at the first one. */
  function openNow(event) {
    var p = event.target.feature.properties, asked;
    if (!p.opening_hours || hoursNow[p.opening_hours] || !(asked = askHours())) { return; }
    asked.then(function () {
      if (hoursNow[p.opening_hours] && event.target.isPopupOpen()) { event.target.setPopupContent(popup(p)); }
    });
  }

  /* A place's marker, made once: moving the map or changing a filter only adds and removes
     markers, so the cluster layer recomputes only the places that come and go. */
  function markerOf(feature) {
    if (!feature.marker) {
      var c = feature.geometry.coordinates;
      var marker = L.marker([c[1], c[0]], { title: feature.properties.name, alt: feature.properties.name });
      marker.bindPopup(function () { return popup(feature.properties); });
      marker.on("popupopen", openNow);
      marker.feature = feature;
      feature.marker = marker;
    }
    return feature.marker;
  }

  /* What the cluster layer must do, a step per task (each calls `done`): markers removed
     REMOVED_PER_STEP at a time, then added (in markercluster's chunks). A render asked while
     steps are left waits for them, then starts from what they left. */
  var REMOVED_PER_STEP = 400;
  var steps = [], stepping = false, renderAgain = false;
  function step(work) {
    steps.push(work);
    if (!stepping) { stepping = true; setTimeout(nextStep, 0); }
  }
  function nextStep() {
    var work = steps.shift();
    if (work) {
      var called = false;
      var done = function () { if (!called) { called = true; setTimeout(nextStep, 0); } };
      try { work(done); } catch (error) { adding = null; done(); throw error; }  /* the next steps still run */
      return;
    }
    stepping = false;
    if (renderAgain) { renderAgain = false; render(); }
  }

  function removeStep(batch) {
    step(function (done) { cluster.removeLayers(batch); done(); });
  }

  var renders = 0;
  function render() {
    if (cut) { showCells(); }
    if (stepping) { renderAgain = true; return; }
    var turn = ++renders, next = features.filter(matches).map(markerOf);
    next.forEach(function (marker) { marker.turn = turn; });
    var gone = markers.filter(function (marker) { return marker.turn !== turn; });
    var added = next.filter(function (marker) { return !marker.shown; });
    if (gone.length > next.length - added.length) {  /* fewer kept than taken away: start again */
      markers.forEach(function (marker) { marker.shown = false; });
      cluster.clearLayers();
      added = next;
    } else {
      gone.forEach(function (marker) { marker.shown = false; });
      for (var from = 0; from < gone.length; from += REMOVED_PER_STEP) { removeStep(gone.slice(from, from + REMOVED_PER_STEP)); }
    }
    added.forEach(function (marker) { marker.shown = true; });
    if (added.length) { step(function (done) { adding = done; cluster.addLayers(added, true); }); }
    markers = next;
    updateList();
    updateState();
  }

  var list = document.getElementById("lieux-visibles");
  var status = document.getElementById("lieux-statut");
  var listed = null;  /* the markers the list shows: made again only when they change */
  var listAsked = false;
  /* The list is made in a task of its own, once for everything a move changed: the markers
     and cells are drawn first, and neither task grows long enough to stall the map. */
  function updateList() {
    if (listAsked) { return; }
    listAsked = true;
    setTimeout(function () { listAsked = false; makeList(); }, 0);
  }
  function makeList() {
    if (!list) { return; }
    var bounds = map.getBounds();
    var visible = markers.filter(function (m) { return bounds.contains(m.getLatLng()); });
    var inView = visible.length + (cut ? cut.counted : 0);  /* with the places still counted in cells */
    if (status) { status.textContent = format(gettext("(%(count)s dans la vue)"), { count: inView }); }
    var first = visible.slice(0, 200);
    if (listed && listed.length === first.length && first.every(function (m, i) { return m === listed[i]; })) { return; }
    listed = first;
    var items = document.createDocumentFragment();
    first.forEach(function (marker) {
      var p = marker.feature.properties;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.name;
      if (LANGUAGE_CODE.test(p.name_lang || "")) { link.lang = p.name_lang; }
      var show = document.createElement("button");
      show.type = "button";
      show.className = "show-on-map";
      show.textContent = gettext("Voir sur la carte");
      show.setAttribute("aria-label", format(gettext("Voir sur la carte : %(name)s"), { name: p.name }));
      show.addEventListener("click", function () {
        /* After the markers still being added (the list is made first): then it is clustered. */
        step(function (done) {
          if (cluster.hasLayer(marker)) { cluster.zoomToShowLayer(marker, function () { marker.openPopup(); }); }
          done();
        });
      });
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(show);
      items.appendChild(item);
    });
    list.replaceChildren(items);
  }

  function updateState() {
    var query = new URLSearchParams();
    Object.keys(filters).forEach(function (k) { if (filters[k]) { query.set(k, filters[k]); } });
    var search = query.toString();
    if (!embed) {  /* the map stays shown when the page is opened again from its address */
      window.history.replaceState(null, "", window.location.pathname + "?" + (search ? search + "&" : "") + "vue=carte");
    }
    var snippet = document.getElementById("code-integration");
    if (snippet) {
      var src = snippet.dataset.base + (search ? "?" + search : "");
      snippet.value = '<iframe src="' + src + '" title="' + document.title.replace(/"/g, "&quot;") +
        '" width="100%" height="450" style="border:0" loading="lazy"></iframe>';
    }
  }

  var form = document.getElementById("filtres-carte");
  if (form) {
    Object.keys(filters).forEach(function (k) { form.elements[k].value = filters[k]; });
    form.addEventListener("change", function () {
      Object.keys(filters).forEach(function (k) { filters[k] = form.elements[k].value; });
      if (filters.open) { askHours(); }
      render();
    });
  }
  var byCity = document.getElementById("lieux-par-commune");
  map.on("moveend", updateList);

  /* A large directory's map is cut at build time (plugins/essaim/map/tiles.py, js/map-tiles.js):
     at each zoom, counted cells where the places are many, and the places of the tiles in
     view elsewhere, fetched as the visitor moves. */
  var cut = null;
  function json(url) { return fetch(url).then(function (response) { return response.json(); }); }
  function firstShown() {
    if (element.dataset.ready) { return; }
    if (byCity) { byCity.hidden = true; }
    if (list) { list.hidden = false; }
    element.dataset.ready = "true";
    if (filters.open) { askHours(); }
  }
  function view() {
    var b = map.getBounds().pad(0.2);
    return [[b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]];
  }
  function bubble(cell, shown, zoom) {
    var count = Number(shown.count);
    var label = shown.atMost
      ? format(ngettext("Au plus %(count)s lieu, zoomer pour le voir", "Au plus %(count)s lieux, zoomer pour les voir", count), { count: count })
      : format(ngettext("%(count)s lieu, zoomer pour le voir", "%(count)s lieux, zoomer pour les voir", count), { count: count });
    var inner = document.createElement("div"), text = document.createElement("span");
    text.textContent = (shown.atMost ? "≤ " : "") + count;
    inner.appendChild(text);
    var size = count < 100 ? "small" : count < 1000 ? "medium" : "large";
    var marker = L.marker([cell[0], cell[1]], {
      icon: L.divIcon({ html: inner, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) }),
      title: label
    });
    marker.on("add", function () { marker.getElement().setAttribute("aria-label", label); });
    marker.on("click", function () { map.setView([cell[0], cell[1]], zoom + cut.index.cell_depth); });
    return marker;
  }
  function showCells() {
    var zoom = Math.floor(map.getZoom()), z = cellZoom(zoom, cut.index.cells), box = view();
    if (z === null) {
      cut.layer.clearLayers();
      cut.counted = 0;
      return;
    }
    if (!cut.cells[z]) { cut.cells[z] = json(cut.base + "grappes-" + z + ".json"); }
    cut.cells[z].then(function (file) {
      if (Math.floor(map.getZoom()) !== zoom) { return; }  /* zoomed again since */
      var wanted = filterKeys(filters), counted = 0, bubbles = [];
      file.cells.forEach(function (cell) {
        if (!contains(box, cell[0], cell[1])) { return; }
        var shown = cellCount(cell, file.keys, wanted, !!filters.open);
        if (shown.count) { bubbles.push(bubble(cell, shown, z)); counted += shown.count; }
      });
      cut.layer.clearLayers();
      bubbles.forEach(function (marker) { cut.layer.addLayer(marker); });
      cut.counted = counted;
      updateList();
      firstShown();
    });
  }
  function showLeaves() {
    var names = leavesInView(cut.index.leaves, Math.floor(map.getZoom()), view()).map(leafName);
    Promise.all(names.map(function (name) {
      if (!cut.leaves[name]) {
        cut.leaves[name] = json(cut.base + name).then(function (data) { return data.features; });
      }
      return cut.leaves[name];
    })).then(function (lists) {
      var shown = names.join(" ");
      if (shown === cut.shown) { showCells(); return; }  /* the same tiles: their markers stay */
      cut.shown = shown;
      features = [].concat.apply([], lists);
      render();
      if (names.length) { firstShown(); }
    });
  }

  if (element.dataset.index) {
    json(element.dataset.index).then(function (index) {
      cut = { base: element.dataset.index.replace(/index\.json$/, ""), index: index, leaves: {}, cells: {},
        layer: L.layerGroup().addTo(map), shown: null, counted: 0 };
      map.on("moveend", showLeaves);
      showLeaves();
    });
    return;
  }
  json(element.dataset.geojson).then(function (data) {
    features = data.features;
    render();
    firstShown();
  });
}
