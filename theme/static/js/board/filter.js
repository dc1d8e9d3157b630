/* The board's filters in the visitor's browser, without the DOM (node --test runs it): which
   offers and needs to show for the filters chosen and the visitor's day, and for each filter the
   count of each value among those every *other* filter keeps. An item whose `until` has passed
   since the build is hidden, as the agenda hides the events that have ended. */

export const FILTERS = ["kind", "theme", "city"];

/* Whether an item with `until` (YYYY-MM-DD, or "") is still open on `today` (YYYY-MM-DD). */
export function isOpen(until, today) {
  return !until || until >= today;
}

/* items: [{kind, themes: [slug], city, until}]; filters: {kind, theme, city} ("" for none).
   Returns {shown: [bool], counts: {kind: {value: n}, theme: {...}, city: {...}}, expired: n}. */
export function apply(items, filters, today) {
  const counts = { kind: {}, theme: {}, city: {} };
  const shown = [];
  let expired = 0;
  for (const item of items) {
    if (!isOpen(item.until, today)) {
      expired++;
      shown.push(false);
      continue;
    }
    const values = { kind: [item.kind], theme: item.themes, city: item.city ? [item.city] : [] };
    const passes = {};
    for (const name of FILTERS) passes[name] = !filters[name] || values[name].includes(filters[name]);
    shown.push(FILTERS.every((name) => passes[name]));
    for (const name of FILTERS) {
      if (FILTERS.every((other) => other === name || passes[other])) {
        for (const value of values[name]) counts[name][value] = (counts[name][value] || 0) + 1;
      }
    }
  }
  return { shown: shown, counts: counts, expired: expired };
}
