/* The map of a large directory, cut at build time (plugins/essaim/map/tiles.py): the leaves of
   its quadtree (files of places) and, for the zooms above them, counted cells. This module says
   which files a view needs and what a cell shows under the filters. No DOM, no Leaflet: node
   --test runs it. A box is [[south, west], [north, east]], as Leaflet's bounds. */

/* The box of the Web Mercator tile z/x/y (OSM's and Leaflet's numbering). */
export function tileBounds(z, x, y) {
  const n = Math.pow(2, z);
  const lon = function (t) { return t / n * 360 - 180; };
  const lat = function (t) { return Math.atan(Math.sinh(Math.PI * (1 - 2 * t / n))) * 180 / Math.PI; };
  return [[lat(y + 1), lon(x)], [lat(y), lon(x + 1)]];
}

export function intersects(a, b) {
  return a[0][0] <= b[1][0] && b[0][0] <= a[1][0] && a[0][1] <= b[1][1] && b[0][1] <= a[1][1];
}

export function contains(box, lat, lon) {
  return box[0][0] <= lat && lat <= box[1][0] && box[0][1] <= lon && lon <= box[1][1];
}

/* The leaves ([z, x, y, count]) whose places are shown at `zoom` in `view`: those of a zoom no
   deeper than the map's (deeper ones are shown as counted cells). */
export function leavesInView(leaves, zoom, view) {
  return leaves.filter(function (leaf) {
    return leaf[0] <= zoom && intersects(tileBounds(leaf[0], leaf[1], leaf[2]), view);
  });
}

/* The file name of a leaf, under the map's folder. */
export function leafName(leaf) {
  return leaf[0] + "-" + leaf[1] + "-" + leaf[2] + ".json";
}

/* The zoom whose cells are shown at map zoom `zoom`, or null (every leaf in view is shown). */
export function cellZoom(zoom, listed) {
  const z = Math.floor(zoom);
  return listed.indexOf(z) >= 0 ? z : null;
}

/* The cell keys the map's filters count by (see tiles.filter_keys). « Open now » has none:
   only the browser knows it, for the places it has. */
export function filterKeys(filters) {
  const keys = [];
  for (const name of ["type", "theme", "legal_form", "exchange"]) {
    if (filters[name]) keys.push(name + ":" + filters[name]);
  }
  return keys;
}

/* What a cell ([lat, lon, count, [key, n, key, n…]]) shows under the filters: {count, atMost}.
   No filter: its places; one counted filter: exactly those that pass it; several, or « open
   now »: at most the smallest of those counts (the cell does not say which places pass both). */
export function cellCount(cell, keys, wanted, uncounted) {
  let count = cell[2];
  if (wanted.length) {
    const counts = {};
    for (let i = 0; i < cell[3].length; i += 2) counts[keys[cell[3][i]]] = cell[3][i + 1];
    for (const key of wanted) count = Math.min(count, counts[key] || 0);
  }
  return { count: count, atMost: count > 0 && (wanted.length > 1 || !!uncounted) };
}
