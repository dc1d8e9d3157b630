/* The board in the visitor's browser: filters by type, theme and commune, with their counts,
   kept in the URL; the offers and needs whose `until` has passed since the build are hidden.
   Without JavaScript the page lists everything it lists now (filter.js has the logic). */

import { FILTERS, apply } from "./filter.js";
import { format, ngettext } from "../messages.js";

const form = document.getElementById("board-filters");
if (form) start(form);

function today() {
  const d = new Date();
  return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
}

function start(form) {
  const elements = Array.from(document.querySelectorAll(".board-item"));
  const items = elements.map((element) => ({
    kind: element.dataset.kind,
    themes: element.dataset.themes ? element.dataset.themes.split(" ") : [],
    city: element.dataset.city || "",
    until: element.dataset.until || "",
  }));
  const labels = JSON.parse(form.dataset.labels);  /* {kind: {value: label}, theme: {...}, city: {...}} */
  const status = document.getElementById("board-status");
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const name of FILTERS) filters[name] = params.get(name) || "";

  function render() {
    const result = apply(items, filters, today());
    elements.forEach((element, i) => { element.hidden = !result.shown[i]; });
    for (const name of FILTERS) {
      const select = form.elements[name];
      const options = [new Option(select.dataset.all, "")];
      for (const value of Object.keys(labels[name])) {
        const count = result.counts[name][value] || 0;
        if (count || value === filters[name]) options.push(new Option(labels[name][value] + " (" + count + ")", value));
      }
      select.replaceChildren(...options);
      select.value = filters[name];
    }
    const shown = result.shown.filter(Boolean).length;
    const parts = [];
    if (FILTERS.some((name) => filters[name])) {
      parts.push(format(ngettext("%(count)s offre ou besoin correspond aux filtres.", "%(count)s offres ou besoins correspondent aux filtres.", shown), { count: shown }));
    }
    if (result.expired) {
      parts.push(format(ngettext("%(count)s offre ou besoin arrivé à échéance depuis la mise à jour du site n'est plus affiché.",
        "%(count)s offres ou besoins arrivés à échéance depuis la mise à jour du site ne sont plus affichés.", result.expired), { count: result.expired }));
    }
    status.textContent = parts.join(" ");
    const query = new URLSearchParams();
    for (const name of FILTERS) if (filters[name]) query.set(name, filters[name]);
    const search = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  form.hidden = false;
  form.addEventListener("change", () => {
    for (const name of FILTERS) filters[name] = form.elements[name].value;
    render();
  });
  render();
}
