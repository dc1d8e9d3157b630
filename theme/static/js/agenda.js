/* Essaim: the agenda in the visitor's browser. A static site ages between two builds: events
   that have ended by the visitor's clock leave the upcoming list. Filters (theme, kind,
   organizer) are kept in the URL so that a filtered agenda can be shared. No framework. A
   module: its messages come from messages.js. */

import { format, ngettext } from "./messages.js";

(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".agenda-item"));
  if (!items.length) { return; }
  var status = document.getElementById("agenda-statut");
  var now = Date.now();
  var ended = 0;
  items.forEach(function (item) {
    if (item.dataset.upcoming === "true" && Date.parse(item.dataset.end) < now) {
      item.dataset.ended = "true";
      ended += 1;
    }
  });
  var params = new URLSearchParams(window.location.search);
  var filters = { theme: params.get("theme") || "", kind: params.get("kind") || "", organizer: params.get("organizer") || "" };

  function matches(item) {
    if (item.dataset.ended === "true") { return false; }
    return (!filters.theme || item.dataset.themes.split(" ").indexOf(filters.theme) !== -1) &&
      (!filters.kind || item.dataset.kind === filters.kind) &&
      (!filters.organizer || item.dataset.organizers.split(" ").indexOf(filters.organizer) !== -1);
  }

  function apply() {
    var shown = 0;
    items.forEach(function (item) {
      var keep = matches(item);
      item.hidden = !keep;
      if (keep) { shown += 1; }
    });
    Array.prototype.forEach.call(document.querySelectorAll("main section"), function (section) {
      var inside = section.querySelectorAll(".agenda-item");
      if (!inside.length) { return; }
      section.hidden = !Array.prototype.some.call(inside, function (item) { return !item.hidden; });
    });
    var active = Object.keys(filters).some(function (k) { return filters[k]; });
    var parts = [];
    if (active) {
      parts.push(format(ngettext("%(count)s événement correspond aux filtres.",
        "%(count)s événements correspondent aux filtres.", shown), { count: shown }));
    }
    if (ended) {
      parts.push(format(ngettext("%(count)s événement terminé depuis la mise à jour du site n'est plus affiché.",
        "%(count)s événements terminés depuis la mise à jour du site ne sont plus affichés.", ended), { count: ended }));
    }
    if (status) { status.textContent = parts.join(" "); }
    var query = new URLSearchParams();
    Object.keys(filters).forEach(function (k) { if (filters[k]) { query.set(k, filters[k]); } });
    var search = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
    var snippet = document.getElementById("code-integration");
    if (snippet) {
      snippet.value = '<iframe src="' + snippet.dataset.base + (search ? "?" + search : "") + '" title="' +
        document.title.replace(/"/g, "&quot;") + '" width="100%" height="600" style="border:0" loading="lazy"></iframe>';
    }
  }

  var form = document.getElementById("filtres-agenda");
  if (form) {
    form.hidden = false;
    Object.keys(filters).forEach(function (k) { form.elements[k].value = filters[k]; });
    form.addEventListener("change", function () {
      Object.keys(filters).forEach(function (k) { filters[k] = form.elements[k].value; });
      apply();
    });
  }
  apply();
})();
