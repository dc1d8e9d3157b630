/* node --test: « Ouvert maintenant » (theme/static/js/hours/status.js) with the real
   opening_hours library from node_modules, at fixed instants: the territory's wall clock
   whatever the visitor's zone, the next change said as a visitor reads it, public holidays;
   in French, the source, and in the English and Spanish of the catalogues. */

import { test } from "node:test";
import assert from "node:assert/strict";
import OpeningHours from "opening_hours";

import { clock, describe, describeAll, place, wallClock, when } from "../../theme/static/js/hours/status.js";
import { gridToOSM } from "../../theme/static/js/hours/grid.js";
import { useMessages } from "../../theme/static/js/messages.js";
import { catalogue } from "./catalogue.js";

const WEEK = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00; PH off";
const at = (text) => new Date(text);  /* local fields: a wallClock date, as the worker makes */

function say(value, local) {
  return describe(new OpeningHours(value, place("FR")), at(local));
}

test("wallClock gives the territory's time, whatever the visitor's", () => {
  /* 2026-12-07 08:30 UTC is 9:30 in Paris (winter, UTC+1) and 17:30 in Tokyo */
  const instant = new Date(Date.UTC(2026, 11, 7, 8, 30));
  const paris = wallClock(instant, "Europe/Paris"), tokyo = wallClock(instant, "Asia/Tokyo");
  assert.deepEqual([paris.getDate(), paris.getHours(), paris.getMinutes()], [7, 9, 30]);
  assert.deepEqual([tokyo.getDate(), tokyo.getHours()], [7, 17]);
  /* summer time: 2026-07-01 07:00 UTC is 9:00 in Paris */
  assert.equal(wallClock(new Date(Date.UTC(2026, 6, 1, 7)), "Europe/Paris").getHours(), 9);
});

test("open: it says when it closes", () => {
  assert.deepEqual(say(WEEK, "2026-12-07T10:00"), { open: true, text: "Ouvert maintenant · ferme à 12 h" });
  assert.deepEqual(say(WEEK, "2026-12-07T15:15"), { open: true, text: "Ouvert maintenant · ferme à 18 h" });
});

test("closed: it says when it opens, today, tomorrow, a weekday or a date", () => {
  assert.equal(say(WEEK, "2026-12-07T12:30").text, "Fermé maintenant · ouvre à 14 h");
  assert.equal(say(WEEK, "2026-12-07T19:00").text, "Fermé maintenant · ouvre demain à 9 h");
  assert.equal(say(WEEK, "2026-12-12T13:00").text, "Fermé maintenant · ouvre lundi à 9 h");
  assert.equal(say("Mo-Fr 09:30-17:00; Jan off", "2026-12-31T18:00").text, "Fermé maintenant · ouvre le 1er février à 9 h 30");
});

test("public holidays of the territory's country are closed when the hours say PH off", () => {
  const christmas = say(WEEK, "2026-12-25T10:00");  /* a Friday */
  assert.equal(christmas.open, false);
  assert.match(christmas.text, /^Fermé maintenant \(Noël\) · ouvre demain à 10 h$/);
  assert.equal(say("Mo-Fr 09:00-18:00", "2026-12-25T10:00").open, true);  /* no PH rule: open */
});

test("a place open past midnight, around the clock, and on appointment", () => {
  assert.equal(say("Fr-Sa 20:00-02:00", "2026-12-12T01:00").text, "Ouvert maintenant · ferme à 2 h");
  assert.equal(say("24/7", "2026-12-12T01:00").text, "Ouvert maintenant");
  assert.deepEqual(say('Tu 14:00-17:00 unknown "sur rendez-vous"', "2026-12-08T15:00"),
    { open: null, text: "Ouverture à confirmer (sur rendez-vous)" });
  /* the library reads a rule that has a comment and no "open" as unknown: it is told so */
  assert.equal(say('Tu 14:00-17:00 "sur rendez-vous"', "2026-12-08T15:00").text, "Ouverture à confirmer (sur rendez-vous)");
  assert.equal(say('Tu 14:00-17:00 open "sans rendez-vous"', "2026-12-08T15:00").text, "Ouvert maintenant (sans rendez-vous) · ferme à 17 h");
});

test("describeAll answers null for what the library refuses, and reads the rest", () => {
  const answers = describeAll(OpeningHours, ["n'importe quoi", WEEK], "Europe/Paris", "FR", new Date(Date.UTC(2026, 11, 7, 9)));
  assert.equal(answers[0], null);
  assert.deepEqual(answers[1], { open: true, text: "Ouvert maintenant · ferme à 12 h" });
});

test("clock and when write French times", () => {
  assert.equal(clock(at("2026-12-07T09:05")), "9 h 05");
  assert.equal(clock(at("2026-12-07T14:00")), "14 h");
  assert.equal(when(at("2026-12-08T00:00"), at("2026-12-07T20:00")), "demain à minuit");
});

test("in English and Spanish: the page's catalogue, the language's days, months and times", () => {
  const spaced = (text) => text.replace(/\u202f/g, " ");  /* ICU puts a narrow space before AM */
  try {
    useMessages(catalogue("en"), "en");
    assert.deepEqual(say(WEEK, "2026-12-07T10:00"), { open: true, text: "Open now · closes at 12:00 PM" });
    assert.equal(spaced(say(WEEK, "2026-12-07T19:00").text), "Closed now · opens tomorrow at 9:00 AM");
    assert.equal(spaced(say(WEEK, "2026-12-12T13:00").text), "Closed now · opens Monday at 9:00 AM");
    assert.equal(spaced(say("Mo-Fr 09:30-17:00; Jan off", "2026-12-31T18:00").text), "Closed now · opens on February 1 at 9:30 AM");
    assert.equal(when(at("2026-12-08T00:00"), at("2026-12-07T20:00")), "tomorrow at midnight");
    assert.equal(gridToOSM([[["18:00", "09:00"]]], false).error, "the closing time must come after the opening time");
    useMessages(catalogue("es"), "es");
    assert.equal(say(WEEK, "2026-12-07T19:00").text, "Cerrado ahora · abre mañana a las 9:00");
    assert.equal(say("Fr-Sa 20:00-01:00", "2026-12-11T23:00").text, "Abierto ahora · cierra mañana a la 1:00");  /* « la una » */
    assert.equal(say("Mo-Su 13:00-18:00", "2026-12-07T10:00").text, "Cerrado ahora · abre a las 13:00");
    assert.equal(say(WEEK, "2026-12-12T13:00").text, "Cerrado ahora · abre el lunes a las 9:00");
    assert.equal(say("Mo-Fr 09:30-17:00; Jan off", "2026-12-31T18:00").text, "Cerrado ahora · abre el 1 de febrero a las 9:30");
    assert.equal(say('Tu 14:00-17:00 "sur rendez-vous"', "2026-12-08T15:00").text, "Apertura por confirmar (sur rendez-vous)");
  } finally {
    useMessages({}, "fr");
  }
});
