/* node --test: the form's weekly grid (theme/static/js/hours/grid.js) writes OSM opening hours
   that both parsers read back as the grid says: the npm opening_hours library, and Python's
   opening-hours-py (the one `essaim validate` uses). */

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import OpeningHours from "opening_hours";

import { dayList, gridToOSM } from "../../theme/static/js/hours/grid.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const python = process.env.ESSAIM_PYTHON || path.join(repo, ".venv/bin/python");
const none = [["", ""], ["", ""]];
const split = [["09:00", "12:00"], ["14:00", "18:00"]];

test("days with the same openings are written together", () => {
  const week = [split, split, split, split, split, [["10:00", "12:00"], ["", ""]], none];
  assert.deepEqual(gridToOSM(week, true), { text: "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00; PH off" });
  assert.deepEqual(gridToOSM([split, none, split, none, split, none, none], false), { text: "Mo,We,Fr 09:00-12:00,14:00-18:00" });
  assert.deepEqual(gridToOSM([none, none, none, none, none, none, none], true), { text: "" });
  assert.equal(dayList([0, 1, 3, 4, 5, 6]), "Mo,Tu,Th-Su");
});

test("a closing at midnight, a missing time, a span backwards or overlapping are told", () => {
  assert.deepEqual(gridToOSM([none, none, none, none, [["20:00", "00:00"], ["", ""]], none, none], false), { text: "Fr 20:00-24:00" });
  assert.deepEqual(gridToOSM([[["09:00", ""], ["", ""]], none, none, none, none, none, none], false),
    { error: "indiquez l'heure d'ouverture et celle de fermeture", day: 0 });
  assert.equal(gridToOSM([none, [["12:00", "09:00"], ["", ""]], none, none, none, none, none], false).day, 1);
  assert.match(gridToOSM([none, none, [["09:00", "13:00"], ["12:00", "18:00"]], none, none, none, none], false).error, /chevauchent/);
});

test("what the grid writes, both parsers read as the grid said", () => {
  const week = [split, split, none, split, split, [["10:00", "12:30"], ["", ""]], none];
  const { text } = gridToOSM(week, true);
  const hours = new OpeningHours(text, { lat: 47.2, lon: -1.55, address: { country_code: "fr", state: "" } });
  assert.equal(hours.getState(new Date(2026, 11, 7, 10, 0)), true);   /* Monday 10:00 */
  assert.equal(hours.getState(new Date(2026, 11, 9, 10, 0)), false);  /* Wednesday */
  assert.equal(hours.getState(new Date(2026, 11, 12, 12, 15)), true); /* Saturday 12:15 */
  assert.equal(hours.getState(new Date(2026, 11, 25, 10, 0)), false); /* Christmas, a Friday */
  const python_reads = execFileSync(python, ["-c", [
    "import sys, opening_hours as oh; from datetime import datetime as d",
    "h = oh.OpeningHours(sys.argv[1], country='FR')",
    "print(h.is_open(d(2026,12,7,10)), h.is_open(d(2026,12,9,10)), h.is_open(d(2026,12,12,12,15)), h.is_open(d(2026,12,25,10)))"
  ].join("\n"), text], { encoding: "utf-8" }).trim();
  assert.equal(python_reads, "True False True False");
});
