/* Essaim: a module worker that reads opening hours off the page's main thread (the library is
   large: the page never waits for it). Asked {libs, values, timeZone, country, messages,
   language}, it loads the libraries once (SunCalc first: opening_hours finds it as a global)
   and answers each value's description (status.js), in the page's language (`messages` is the
   page's catalogue). */

import { useMessages } from "../messages.js";
import { describeAll } from "./status.js";

let ready = null;

function load(libs) {
  if (!ready) ready = libs.reduce(function (chain, url) { return chain.then(function () { return import(url); }); }, Promise.resolve());
  return ready;
}

self.onmessage = function (event) {
  const ask = event.data;
  useMessages(ask.messages, ask.language);
  load(ask.libs).then(function () {
    self.postMessage({ id: ask.id, started: true });  /* the page times the reading, not the download */
    self.postMessage({ id: ask.id, answers: describeAll(self.opening_hours, ask.values, ask.timeZone, ask.country, new Date()) });
  }, function () {
    self.postMessage({ id: ask.id, answers: ask.values.map(function () { return null; }) });
  });
};
