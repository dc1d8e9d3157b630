/* Reading what plugins/essaim/search/index.py writes: meta.json's shard table, a shard's
   postings and a facet's packed column. The constants both sides agree on (pack offset, the end
   of a document's values, the shard key's length) come from meta.json's "client" object,
   written by index.client_constants. No DOM, no lunr: node --test runs it as it is. */

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

/* Numbers packed as one string (index.pack_numbers): each in base client.digit_base, one
   character per digit from client.pack_offset, the digits before the last above the base. */
export function unpackNumbers(packed, client) {
  const offset = client.pack_offset, base = client.digit_base, out = [];
  let value = 0;
  for (let i = 0; i < packed.length; i++) {
    const digit = packed.charCodeAt(i) - offset;
    if (digit >= base) value = value * base + digit - base;
    else { out.push(value * base + digit); value = 0; }
  }
  return out;
}

/* One term's postings in one field: [doc, tf, length, doc, tf, length...]. Each document is
   written as the gap from the previous one, doubled, plus one when the term frequency (then
   written next) is above 1, then the length of the document's field. */
export function decode(packed, client) {
  const encoded = unpackNumbers(packed, client), out = [];
  let doc = 0;
  for (let i = 0; i < encoded.length; i++) {
    const v = encoded[i];
    doc += v >> 1;
    const tf = v & 1 ? encoded[++i] : 1;
    out.push(doc, tf, encoded[++i]);
  }
  return out;
}

/* The shard key of a term: its first letters (a digit counts as 0, anything else as _). */
export function shardKey(term, client) {
  let key = "";
  for (const c of term.slice(0, client.shard_prefix)) {
    key += c >= "a" && c <= "z" ? c : c >= "0" && c <= "9" ? "0" : "_";
  }
  return key;
}

/* The shards as meta.json lists them ([name, first term, hash], by key, then first term), and
   where a term is: the last shard of its key whose first term is not after it. */
export class ShardTable {
  constructor(shards, client) {
    this.client = client;
    this.names = shards.map(function (s) { return s[0]; });
    this.firsts = shards.map(function (s) { return s[1]; });
    this.keys = this.firsts.map(function (first) { return shardKey(first, client); });
    this.hashes = {};
    for (const s of shards) this.hashes[s[0]] = s[2];
  }

  /* The last shard whose (key, first term) is not after the term's, or -1. */
  at(term) {
    const firsts = this.firsts, keys = this.keys, key = shardKey(term, this.client);
    let low = 0, high = firsts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (keys[middle] < key || (keys[middle] === key && firsts[middle] <= term)) low = middle + 1; else high = middle;
    }
    return low - 1;
  }

  /* The name of the shard that holds `term` if the index has it, or null. */
  of(term) {
    const at = this.at(term);
    return at >= 0 && this.keys[at] === shardKey(term, this.client) ? this.names[at] : null;
  }

  /* The names of the shards that hold the terms beginning with `prefix` (two letters or more). */
  spanning(prefix) {
    const key = shardKey(prefix, this.client), found = [];
    let at = Math.max(this.at(prefix), 0);
    if (at < this.firsts.length && this.keys[at] !== key) at++;
    for (; at < this.firsts.length && this.keys[at] === key; at++) {
      const first = this.firsts[at];
      if (first > prefix && !first.startsWith(prefix)) break;  /* past the prefix's terms */
      found.push(this.names[at]);
    }
    return found;
  }

  /* The shards a word's terms can be in (names, in term order): its stems' (and its
     singular's, its folded form's), its prefix's (three letters or more), and the one where the
     word itself would be (its typos are looked for there). `wide`: also the shards of the same
     key just before and after that one, where a typo that moves the word past a cut between
     shards finds its term (asked only when nothing matched). */
  forWord(analysed, wide) {
    const names = [];
    for (const term of [analysed.term, analysed.singular, analysed.also, analysed.folded]) {
      const name = term ? this.of(term) : null;
      if (name && names.indexOf(name) < 0) names.push(name);
    }
    if (analysed.folded.length >= 3) {
      for (const name of this.spanning(analysed.folded)) if (names.indexOf(name) < 0) names.push(name);
    }
    const at = this.at(analysed.folded), key = shardKey(analysed.folded, this.client);
    for (const near of wide ? [at - 1, at, at + 1] : []) {
      const name = this.names[near];
      if (name && this.keys[near] === key && names.indexOf(name) < 0) names.push(name);
    }
    const order = this.names;
    return names.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
  }
}

/* A facet's file (facet-<name>.json) as the engine reads it: its column unpacked by the facet's
   descriptor in client.facets ("when" keeps its dates: facets.js computes its column). */
export function readFacet(data, facet, count, client) {
  if (facet.by_day) return data;
  data.column = facet.multi ? unpackMulti(data.values, count, client) : unpack(data.values, client);
  return data;
}

/* meta.json as the engine reads it: its shard table beside it. */
export function readMeta(data) {
  data.table = new ShardTable(data.shards, data.client);
  return data;
}
