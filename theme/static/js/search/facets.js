/* Facets, driven by the table in meta.json (client.facets, written by index.py's FACETS): each
   names its URL parameter (and its file, facet-<name>.json), the column holding each document's
   value (a position in the file's labels, -1 for none), and whether a document may have
   several. A facet's file is loaded when a filter or the filters' counts need it (`load`);
   until then it counts nothing. "when" (upcoming or past) is computed here for the visitor's
   day: a static site ages between two builds. "open" (open now) is known once the page has
   asked the opening-hours worker (setOpen): until then no document is open. No DOM: node
   --test runs it. */

const NO_FILTER = -2, NO_DOCUMENT = -3;  /* a filter on a value no document has matches nothing */

export function dayOf(date) {
  return date.getFullYear() + "-" + String(date.getMonth() + 1).padStart(2, "0") + "-" + String(date.getDate()).padStart(2, "0");
}

export class Facets {
  constructor(meta) {
    this.meta = meta;
    this.list = meta.client.facets.map(function (facet) {
      return {
        name: facet.name,
        multi: !!facet.multi,
        byDay: !!facet.by_day,
        byHours: !!facet.by_hours,
        loaded: false,
        values: [],
        labels: [],
        column: null,
        dates: null,
        hours: null,
        hoursValues: []
      };
    });
    this.day = "";
  }

  facet(name) {
    return this.list.find(function (facet) { return facet.name === name; });
  }

  loaded(name) {
    return this.facet(name).loaded;
  }

  /* A facet's file, as columns.readFacet read it. */
  load(name, data) {
    const facet = this.facet(name);
    if (facet.loaded) return;
    facet.values = data.labels.map(function (pair) { return pair[0]; });
    facet.labels = data.labels.map(function (pair) { return pair[1]; });
    if (facet.byDay) {
      facet.dates = data.values;
    } else if (facet.byHours) {
      facet.hours = data.column;
      facet.hoursValues = data.hours_values || [];
      facet.column = new Int32Array(this.meta.count).fill(-1);
    } else {
      facet.column = data.column;
    }
    facet.loaded = true;
    if (facet.byDay) this.day = "";  /* its column is computed at the next apply */
  }

  /* The "open" facet once known: `open[i]` says whether its hours_values[i] is open now. */
  setOpen(open) {
    for (const facet of this.list) {
      if (!facet.byHours || !facet.loaded) continue;
      for (let d = 0; d < this.meta.count; d++) facet.column[d] = facet.hours[d] >= 0 && open[facet.hours[d]] ? 0 : -1;
    }
  }

  /* Each "by day" column for `day` (YYYY-MM-DD): 0 upcoming, 1 past, -1 not dated. */
  refresh(day) {
    if (day === this.day) return;
    const count = this.meta.count;
    for (const facet of this.list) {
      if (!facet.byDay || !facet.loaded) continue;
      const column = new Int32Array(count).fill(-1);
      for (const doc of Object.keys(facet.dates)) column[doc] = facet.dates[doc] >= day ? 0 : 1;
      facet.column = column;
    }
    this.day = day;
  }

  has(facet, d, wanted) {
    if (!facet.multi) return facet.column[d] === wanted;
    const column = facet.column;
    for (let t = column.start[d]; t < column.start[d + 1]; t++) if (column.values[t] === wanted) return true;
    return false;
  }

  /* The documents (numbers, ascending) that pass every filter ({name: value}; a filter's facet
     must be loaded), and for each loaded facet the count of each value among the documents that
     pass every *other* filter (what choosing it would give); null for a facet not loaded yet. */
  apply(docs, filters, day) {
    this.refresh(day);
    const list = this.list, n = list.length, wanted = [], counts = [], kept = new Int32Array(docs.length);
    const filtering = [];
    list.forEach(function (facet, i) {
      const at = filters[facet.name] ? facet.values.indexOf(filters[facet.name]) : NO_FILTER;
      if (at !== NO_FILTER && !facet.loaded) throw new Error("facet not loaded: " + facet.name);
      wanted.push(at === -1 ? NO_DOCUMENT : at);
      if (at !== NO_FILTER) filtering.push(i);
      counts.push(facet.loaded ? new Int32Array(facet.values.length) : null);
    });
    /* Which filter each document fails: none (-1), one (its facet: it counts only there), or
       more (it counts nowhere). Then each facet's counts, a column at a time. */
    const counting = filtering.length ? new Int32Array(docs.length) : docs, failing = new Int32Array(docs.length).fill(-1);
    let counted = docs.length, passed = docs.length;
    if (filtering.length) {
      counted = 0;
      passed = 0;
      for (let k = 0; k < docs.length; k++) {
        const d = docs[k];
        let fails = 0, failed = -1;
        for (let f = 0; f < filtering.length && fails < 2; f++) {
          const i = filtering[f];
          if (!this.has(list[i], d, wanted[i])) { fails++; failed = i; }
        }
        if (fails > 1) continue;
        if (fails === 0) kept[passed++] = d;
        counting[counted] = d;
        failing[counted++] = failed;
      }
    } else {
      kept.set(docs);
    }
    for (let i = 0; i < n; i++) {
      const count = counts[i];
      if (!count) continue;
      const facet = list[i], column = facet.column;
      if (facet.multi) {
        const start = column.start, values = column.values;
        for (let k = 0; k < counted; k++) {
          if (failing[k] >= 0 && failing[k] !== i) continue;
          const d = counting[k];
          for (let t = start[d]; t < start[d + 1]; t++) count[values[t]]++;
        }
      } else {
        for (let k = 0; k < counted; k++) {
          if (failing[k] >= 0 && failing[k] !== i) continue;
          const value = column[counting[k]];
          if (value >= 0) count[value]++;
        }
      }
    }
    return { kept: kept.subarray(0, passed), counts: counts };
  }
}

/* Of `values` (a facet's value positions, ascending), the `most` counted most (ties: the first
   positions), and `selected` (a position, or -1) if it is not among them, in position order:
   what a long list shows. One pass, keeping the best so far in order, rather than sorting every
   value found at each keystroke. */
export function mostFrequent(values, count, most, selected) {
  const best = [];  /* by count descending, then position */
  for (const v of values) {
    if (best.length === most) {
      const last = best[most - 1];
      if (count[v] < count[last] || (count[v] === count[last] && v > last)) continue;
      best.pop();
    }
    let at = best.length;
    while (at > 0 && (count[best[at - 1]] < count[v] || (count[best[at - 1]] === count[v] && best[at - 1] > v))) at--;
    best.splice(at, 0, v);
  }
  if (selected >= 0 && best.indexOf(selected) < 0 && values.indexOf(selected) >= 0) best.push(selected);
  return best.sort(function (a, b) { return a - b; });
}
