/* Essaim: the form's weekly grid of opening hours → OpenStreetMap's syntax. Days whose openings
   are the same are written together (`Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00`), public
   holidays closed when asked (`PH off`). No DOM: node --test runs it. */

import { gettext } from "../messages.js";

export const DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/* One day's spans [[start, end], ...] (HH:MM from <input type=time>) → `09:00-12:00,14:00-18:00`,
   or a sentence saying what is wrong. A span ending at 00:00 ends at midnight (24:00). */
export function daySpans(spans) {
  const kept = [];
  for (const [start, end] of spans) {
    if (!start && !end) continue;
    if (!TIME.test(start || "") || !TIME.test(end || "")) return { error: gettext("indiquez l'heure d'ouverture et celle de fermeture") };
    const close = end === "00:00" ? "24:00" : end;
    if (close <= start) return { error: gettext("l'heure de fermeture doit venir après celle d'ouverture") };
    if (kept.length && start < kept[kept.length - 1][1]) return { error: gettext("les plages se chevauchent : la seconde doit commencer après la fin de la première") };
    kept.push([start, close]);
  }
  return { text: kept.map(function (s) { return s[0] + "-" + s[1]; }).join(",") };
}

/* Days (indexes, ascending) → `Mo-We,Fr`. */
export function dayList(days) {
  const parts = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    if (j - i >= 2) parts.push(DAYS[days[i]] + "-" + DAYS[days[j]]);
    else for (let k = i; k <= j; k++) parts.push(DAYS[days[k]]);
    i = j + 1;
  }
  return parts.join(",");
}

/* The grid (7 days of spans) and the holidays box → {text} (the OSM expression, "" when the
   grid is empty) or {error, day} (the first day that is wrong). */
export function gridToOSM(week, holidaysClosed) {
  const byText = new Map();
  for (let d = 0; d < 7; d++) {
    const day = daySpans(week[d] || []);
    if (day.error) return { error: day.error, day: d };
    if (!day.text) continue;
    if (!byText.has(day.text)) byText.set(day.text, []);
    byText.get(day.text).push(d);
  }
  const rules = [];
  for (const [text, days] of byText) rules.push(dayList(days) + " " + text);
  if (!rules.length) return { text: "" };
  if (holidaysClosed) rules.push("PH off");
  return { text: rules.join("; ") };
}
