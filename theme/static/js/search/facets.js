/* Facets, driven by the table in meta.json (client.facets, written by index.py's FACETS): each
   names its URL parameter, the column holding each document's value (a position in
   meta.labels[labels], -1 for none), and whether a document may have several. "when" (upcoming
   or past) is computed here for the visitor's day: a static site ages between two builds.
   "open" (open now) is known once the page has asked the opening-hours worker (setOpen):
   until then no document is open. No DOM: node --test runs it. */

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
        values: meta.labels[facet.labels].map(function (pair) { return pair[0]; }),
        labels: meta.labels[facet.labels].map(function (pair) { return pair[1]; }),
        byHours: !!facet.by_hours,
        column: facet.by_day ? null : facet.by_hours ? new Int32Array(meta.count).fill(-1) : meta.columns[facet.column],
        dates: facet.by_day ? meta[facet.column] : null,
        hours: facet.by_hours ? meta.columns[facet.column] : null
      };
    });
    this.day = "";
  }

  /* The "open" facet once known: `open[i]` says whether meta.hours_values[i] is open now. */
  setOpen(open) {
    for (const facet of this.list) {
      if (!facet.byHours) continue;
      for (let d = 0; d < this.meta.count; d++) facet.column[d] = facet.hours[d] >= 0 && open[facet.hours[d]] ? 0 : -1;
    }
  }

  /* Each "by day" column for `day` (YYYY-MM-DD): 0 upcoming, 1 past, -1 not dated. */
  refresh(day) {
    if (day === this.day) return;
    const count = this.meta.count;
    for (const facet of this.list) {
      if (!facet.byDay) continue;
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

  /* The matches that pass every filter ({name: value}), and for each facet the count of each
     value among the matches that pass every *other* filter (what choosing it would give). */
  apply(matches, filters, day) {
    this.refresh(day);
    const list = this.list, n = list.length, wanted = [], counts = [], kept = [];
    for (const facet of list) {
      const at = filters[facet.name] ? facet.values.indexOf(filters[facet.name]) : NO_FILTER;
      wanted.push(at === -1 ? NO_DOCUMENT : at);
      counts.push(new Int32Array(facet.values.length));
    }
    for (const m of matches) {
      const d = m.doc;
      let fails = 0, failed = -1;
      for (let i = 0; i < n && fails < 2; i++) {
        if (wanted[i] !== NO_FILTER && !this.has(list[i], d, wanted[i])) { fails++; failed = i; }
      }
      if (fails > 1) continue;
      if (fails === 0) kept.push(m);
      for (let i = 0; i < n; i++) {
        if (failed >= 0 && failed !== i) continue;
        const facet = list[i], column = facet.column, count = counts[i];
        if (facet.multi) {
          for (let t = column.start[d]; t < column.start[d + 1]; t++) count[column.values[t]]++;
        } else if (column[d] >= 0) {
          count[column[d]]++;
        }
      }
    }
    return { kept: kept, counts: counts };
  }
}
