/* Reading what plugins/essaim/search/index.py writes: meta.json's packed columns and a shard's
   postings. The constants both sides agree on (pack offset, the end of a document's values, the
   shard key's length) come from meta.json's "client" object, written by index.client_constants.
   No DOM, no lunr: node --test runs it as it is. */

/* A column packed one character per value (value + offset), or a plain list of numbers. */
export function unpack(packed, client) {
  if (typeof packed !== "string") return Int32Array.from(packed);
  const offset = client.pack_offset, out = new Int32Array(packed.length);
  for (let i = 0; i < packed.length; i++) out[i] = packed.charCodeAt(i) - offset;
  return out;
}

/* A multi-valued column (themes): document d's values are values[start[d] .. start[d + 1]).
   Packed, each document's values end with client.pack_end; otherwise a list of lists. */
export function unpackMulti(packed, count, client) {
  const start = new Int32Array(count + 1), values = [];
  let d = 0;
  if (typeof packed === "string") {
    const end = client.pack_end.charCodeAt(0), offset = client.pack_offset;
    for (let i = 0; i < packed.length; i++) {
      const code = packed.charCodeAt(i);
      if (code === end) start[++d] = values.length;
      else values.push(code - offset);
    }
  } else {
    for (const list of packed) { values.push(...list); start[++d] = values.length; }
  }
  return { start: start, values: Int32Array.from(values) };
}

/* One term's postings in one field: [doc, tf, doc, tf...]. Each entry is the gap from the
   previous document, doubled, plus one when the term frequency (then written next) is above 1. */
export function decode(encoded) {
  const out = [];
  let doc = 0;
  for (let i = 0; i < encoded.length; i++) {
    const v = encoded[i];
    doc += v >> 1;
    out.push(doc, v & 1 ? encoded[++i] : 1);
  }
  return out;
}

/* The shard of a term: its first letters (a digit counts as 0, anything else as _). */
export function shardKey(term, client) {
  let key = "";
  for (const c of term.slice(0, client.shard_prefix)) {
    key += c >= "a" && c <= "z" ? c : c >= "0" && c <= "9" ? "0" : "_";
  }
  return key;
}

/* meta.json as the engine reads it: columns unpacked (each facet's column by its descriptor in
   client.facets), and each field's average length (BM25 needs it). */
export function readMeta(data) {
  const client = data.client, n = data.count, nf = data.fields.length;
  data.lengths = unpack(data.lengths, client);
  data.columns = {};
  for (const facet of client.facets) {
    if (facet.by_day) continue;  /* computed in the browser for the visitor's day (facets.js) */
    data.columns[facet.column] = facet.multi ? unpackMulti(data[facet.column], n, client) : unpack(data[facet.column], client);
  }
  data.average = data.fields.map(function (_, f) {
    let sum = 0;
    for (let d = 0; d < n; d++) sum += data.lengths[d * nf + f];
    return n ? sum / n : 0;
  });
  return data;
}
