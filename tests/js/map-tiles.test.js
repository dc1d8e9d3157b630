/* node --test: the cut map's module (theme/static/js/map-tiles.js) read against a map Python cut
   (tests/js/map_fixture.py): each place inside the box of the leaf Python put it in, the leaves
   a view shows, and what a cell counts under the filters. */

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

import { cellCount, cellZoom, contains, filterKeys, leafName, leavesInView, tileBounds } from "../../theme/static/js/map-tiles.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const python = process.env.ESSAIM_PYTHON || path.join(repo, ".venv/bin/python");
const files = JSON.parse(execFileSync(python, [path.join(here, "map_fixture.py")], { encoding: "utf-8" }));
const index = files["lieux/index.json"];

test("every place is inside the box of the leaf Python put it in", () => {
  let checked = 0;
  for (const leaf of index.leaves) {
    const box = tileBounds(leaf[0], leaf[1], leaf[2]);
    for (const feature of files["lieux/" + leafName(leaf)].features) {
      const [lon, lat] = feature.geometry.coordinates;
      assert.ok(contains(box, lat, lon), `${feature.id} in ${leafName(leaf)}`);
      checked++;
    }
  }
  assert.equal(checked, index.count);
});

test("a view shows the leaves no deeper than its zoom that it meets", () => {
  const nantes = [[47.19, -1.56], [47.21, -1.54]];
  const shown = leavesInView(index.leaves, 14, nantes);
  assert.ok(shown.length > 0 && shown.every((leaf) => leaf[0] <= 14));
  const places = shown.flatMap((leaf) => files["lieux/" + leafName(leaf)].features)
    .filter((f) => contains(nantes, f.geometry.coordinates[1], f.geometry.coordinates[0]));
  const everywhere = index.leaves.flatMap((leaf) => files["lieux/" + leafName(leaf)].features)
    .filter((f) => contains(nantes, f.geometry.coordinates[1], f.geometry.coordinates[0]));
  assert.equal(places.length, everywhere.length);  /* at the deepest zoom, every place in view */
  assert.deepEqual(leavesInView(index.leaves, 4, nantes), []);  /* at zoom 4, only cells */
  assert.equal(cellZoom(4, index.cells), 4);
  assert.equal(cellZoom(20, index.cells), null);
});

test("a cell counts one filter exactly, several or « open now » as an upper bound", () => {
  const file = files["lieux/grappes-3.json"], keys = file.keys;
  const total = file.cells.reduce((sum, cell) => sum + cell[2], 0);
  assert.equal(file.cells.reduce((sum, cell) => sum + cellCount(cell, keys, []).count, 0), total);
  const wanted = filterKeys({ type: "event", theme: "", open: "now" });
  assert.deepEqual(wanted, ["type:event"]);
  const events = file.cells.map((cell) => cellCount(cell, keys, wanted, false));
  assert.ok(events.every((c) => !c.atMost) && events.some((c) => c.count > 0));
  const both = file.cells.map((cell) => cellCount(cell, keys, filterKeys({ type: "event", theme: "alimentation" }), false));
  both.forEach((c, i) => assert.ok(c.count <= events[i].count));
  assert.ok(both.some((c) => c.atMost));
  assert.ok(cellCount(file.cells[0], keys, [], true).atMost);
  assert.deepEqual(cellCount(file.cells[0], keys, ["theme:nothing"], false), { count: 0, atMost: false });
});
