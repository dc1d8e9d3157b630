/* Essaim: « Ouvert maintenant · ferme à 18 h », computed in the browser from a place's opening
   hours in OpenStreetMap's syntax by the `opening_hours` library, in the territory's time zone
   whatever the visitor's. No DOM and no library loading here: node --test runs it with the
   library from node_modules; worker.js runs it in the page.

   The library reads a Date's local fields (getHours...). `wallClock` makes a Date whose local
   fields are the territory's wall clock at that instant, so that a visitor abroad reads the
   hours of the place, not of where they are; the dates it returns are read the same way.

   The sentences are the page's language (messages.js; a worker is handed the page's catalogue);
   days, months and times are the language's own (Intl), but French says « 18 h » and « 1er ». */

import { currentLanguage, format, gettext, ngettext } from "../messages.js";

const DAY = 86400000;

/* One Intl formatter per language and kind, made once: the worker describes every place of the
   map in one go, and making a formatter costs far more than using one. */
const formatters = new Map();
function formatter(kind, options) {
  const language = currentLanguage(), key = language + " " + kind;
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(language, options));
  return formatters.get(key);
}

export function wallClock(date, timeZone) {
  const parts = {};
  for (const part of new Intl.DateTimeFormat("en-US", {
    timeZone: timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit"
  }).formatToParts(date)) parts[part.type] = Number(part.value);
  return new Date(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

export function clock(date) {
  const h = date.getHours(), m = date.getMinutes();
  if (h === 0 && m === 0) return gettext("minuit");
  if (currentLanguage() !== "fr") return formatter("time", { hour: "numeric", minute: "2-digit" }).format(date);
  return m ? h + " h " + String(m).padStart(2, "0") : h + " h";
}

/* « 5 janvier », « 1er janvier »; "January 5", "5 de enero". */
function dayAndMonth(date) {
  if (currentLanguage() !== "fr") return formatter("date", { day: "numeric", month: "long" }).format(date);
  return (date.getDate() === 1 ? "1er" : String(date.getDate())) + " " + formatter("month", { month: "long" }).format(date);
}

function midnight(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/* « à 18 h », « demain à 9 h », « lundi à 9 h », « le 5 janvier à 9 h ». */
export function when(next, now) {
  const days = Math.round((midnight(next) - midnight(now)) / DAY);
  /* A plural on the hour: Spanish says « a la 1:00 » but « a las 9:00 ». */
  const at = next.getHours() === 0 && next.getMinutes() === 0 ? gettext("à minuit")
    : format(ngettext("à %(time)s", "à %(time)s", next.getHours()), { time: clock(next) });
  if (days === 0) return at;
  if (days === 1) return format(gettext("demain %(at)s"), { at: at });
  if (days < 7) {
    const weekday = formatter("weekday", { weekday: "long" }).format(next);
    return format(gettext("%(weekday)s %(at)s"), { weekday: weekday, at: at });
  }
  return format(gettext("le %(date)s %(at)s"), { date: dayAndMonth(next), at: at });
}

/* What a place's hours say at `now` (a wallClock date): {open: true, false or null (unknown),
   text}. `hours` is an opening_hours instance. Changes more than a year away are not said. */
export function describe(hours, now) {
  const horizon = new Date(now.getTime() + 366 * DAY);
  const unknown = hours.getUnknown(now), open = hours.getState(now);
  const comment = hours.getComment(now);
  const next = hours.getNextChange(now, horizon);
  const change = next ? when(next, now) : "";
  const later = !next ? "" : " · " + (open ? format(gettext("ferme %(when)s"), { when: change }) :
    unknown ? change : format(gettext("ouvre %(when)s"), { when: change }));
  const note = comment ? " (" + comment + ")" : "";
  if (unknown) return { open: null, text: gettext("Ouverture à confirmer") + note };
  if (open) return { open: true, text: gettext("Ouvert maintenant") + note + later };
  return { open: false, text: gettext("Fermé maintenant") + note + later };
}

/* The address object the library wants for public holidays (PH) and sun times. */
export function place(country, lat, lon) {
  return { lat: lat || 0, lon: lon || 0, address: { country_code: String(country || "fr").toLowerCase(), state: "" } };
}

/* Each value's description at `instant` (a Date), or null when the library refuses it. */
export function describeAll(OpeningHours, values, timeZone, country, instant) {
  const now = wallClock(instant, timeZone), where = place(country);
  return values.map(function (value) {
    try {
      return describe(new OpeningHours(value, where), now);
    } catch (error) {
      return null;
    }
  });
}
