/* node --test: the board's filters (theme/static/js/board/filter.js). */

import { test } from "node:test";
import assert from "node:assert/strict";

import { apply, isOpen } from "../../theme/static/js/board/filter.js";

const items = [
  { kind: "need", themes: ["mobilite"], city: "nantes", until: "" },
  { kind: "offer", themes: ["mobilite", "culture"], city: "reze", until: "2026-12-31" },
  { kind: "offer", themes: ["culture"], city: "nantes", until: "2026-01-31" },
  { kind: "need", themes: [], city: "", until: "" },
];

test("an offer or need is open up to its `until` day included", () => {
  assert.ok(isOpen("", "2030-01-01"));
  assert.ok(isOpen("2026-12-31", "2026-12-31"));
  assert.ok(!isOpen("2026-12-31", "2027-01-01"));
});

test("what expired since the build is hidden and counted nowhere", () => {
  const result = apply(items, { kind: "", theme: "", city: "" }, "2026-06-01");
  assert.deepEqual(result.shown, [true, true, false, true]);
  assert.equal(result.expired, 1);
  assert.deepEqual(result.counts.theme, { mobilite: 2, culture: 1 });
});

test("each filter counts its values among what the other filters keep", () => {
  const result = apply(items, { kind: "offer", theme: "", city: "nantes" }, "2025-06-01");
  assert.deepEqual(result.shown, [false, false, true, false]);
  assert.deepEqual(result.counts.kind, { need: 1, offer: 1 });  /* in Nantes, any theme */
  assert.deepEqual(result.counts.city, { reze: 1, nantes: 1 });  /* offers, any commune */
  assert.deepEqual(result.counts.theme, { culture: 1 });  /* offers in Nantes */
});
