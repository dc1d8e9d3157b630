/* Essaim: the map. Progressive enhancement over the list of places by city; no framework.
   Untrusted text (names, summaries) is only ever set with textContent. */

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

(function () {
  "use strict";
  var element = document.getElementById("carte");
  if (!element || !window.L) { return; }
  var embed = element.dataset.embed === "true";
  var params = new URLSearchParams(window.location.search);
  var filters = { type: params.get("type") || "", theme: params.get("theme") || "", legal_form: params.get("legal_form") || "" };
  if (document.querySelector("#filtres-carte [name=exchange]")) { filters.exchange = params.get("exchange") || ""; }
  if (document.querySelector("#filtres-carte [name=open]")) { filters.open = params.get("open") || ""; }
  /* « Ouvert maintenant »: each place's hours read by the opening-hours worker (js/hours/),
     once, after the markers are shown; {hours expression: description}. */
  var hoursNow = {};
  function askHours() {
    if (!element.dataset.hours || !window.Promise) { return; }
    var values = [];
    features.forEach(function (f) {
      var v = f.properties.opening_hours;
      if (v && values.indexOf(v) === -1) { values.push(v); }
    });
    import(element.dataset.hoursClient).then(function (client) {
      return client.hoursNow(JSON.parse(element.dataset.hours), values);
    }).then(function (answers) {
      values.forEach(function (v, i) { if (answers[i]) { hoursNow[v] = answers[i]; } });
      if (filters.open) { render(); }
    }).catch(function () { /* no worker: the map simply says nothing of now */ });
  }
  var TYPE_LABELS = { actor: "Acteur", initiative: "Initiative", event: "Événement" };

  var map = L.map(element, { scrollWheelZoom: !embed ? false : true });
  map.fitBounds(JSON.parse(element.dataset.bounds), { padding: [20, 20] });
  L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: essaimAttribution(element) }).addTo(map);
  var cluster = L.markerClusterGroup();
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
    kind.textContent = TYPE_LABELS[p.type] + (p.city ? " · " + p.city : "") + (p.territory ? " · annuaire " + p.territory : "");
    var title = document.createElement("a");
    title.href = p.url;
    title.textContent = p.name;
    if (embed) { title.target = "_top"; }
    var heading = document.createElement("strong");
    heading.appendChild(title);
    var summary = document.createElement("p");
    summary.textContent = p.summary;
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
      if (p.needs) { parts.push(p.needs + (p.needs > 1 ? " besoins" : " besoin")); }
      if (p.offers) { parts.push(p.offers + (p.offers > 1 ? " offres" : " offre")); }
      exchange.textContent = "Coups de main : " + parts.join(", ");
      box.appendChild(exchange);
    }
    return box;
  }

  function render() {
    cluster.clearLayers();
    markers = [];
    features.filter(matches).forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var marker = L.marker([c[1], c[0]], { title: feature.properties.name, alt: feature.properties.name });
      marker.bindPopup(function () { return popup(feature.properties); });
      marker.feature = feature;
      markers.push(marker);
    });
    cluster.addLayers(markers);
    updateList();
    updateState();
  }

  var list = document.getElementById("lieux-visibles");
  var status = document.getElementById("lieux-statut");
  function updateList() {
    if (!list) { return; }
    var bounds = map.getBounds();
    var visible = markers.filter(function (m) { return bounds.contains(m.getLatLng()); });
    list.textContent = "";
    visible.slice(0, 200).forEach(function (marker) {
      var p = marker.feature.properties;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.name;
      var show = document.createElement("button");
      show.type = "button";
      show.className = "show-on-map";
      show.textContent = "Voir sur la carte";
      show.setAttribute("aria-label", "Voir sur la carte : " + p.name);
      show.addEventListener("click", function () {
        cluster.zoomToShowLayer(marker, function () { marker.openPopup(); });
      });
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(show);
      list.appendChild(item);
    });
    if (status) { status.textContent = "(" + visible.length + " dans la vue)"; }
  }

  function updateState() {
    var query = new URLSearchParams();
    Object.keys(filters).forEach(function (k) { if (filters[k]) { query.set(k, filters[k]); } });
    var search = query.toString();
    if (!embed) {
      window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
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
    form.hidden = false;
    Object.keys(filters).forEach(function (k) { form.elements[k].value = filters[k]; });
    form.addEventListener("change", function () {
      Object.keys(filters).forEach(function (k) { filters[k] = form.elements[k].value; });
      render();
    });
  }
  var byCity = document.getElementById("lieux-par-commune");
  map.on("moveend", updateList);

  fetch(element.dataset.geojson).then(function (response) { return response.json(); }).then(function (data) {
    features = data.features;
    if (byCity) { byCity.hidden = true; }
    if (list) { list.hidden = false; }
    render();
    element.dataset.ready = "true";
    askHours();
  });
})();
