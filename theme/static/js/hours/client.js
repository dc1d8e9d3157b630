/* Essaim: ask the opening-hours worker what a list of values says now. `config` is what the
   page's markup gives: {worker, libs, timeZone, country}. Resolves to one description (or
   null) per value; to nulls when the browser has no module workers, or when the worker, its
   library loaded, has not answered within TIMEOUT_MS (the library can loop on some odd
   expressions: the worker is then stopped, and the page simply says nothing of "now"). */

import { current } from "../messages.js";

const TIMEOUT_MS = 5000;
let worker = null, asked = 0, broken = false;
const waiting = new Map();

function nothing(values) {
  return values.map(function () { return null; });
}

function stop() {
  broken = true;
  if (worker) worker.terminate();
  for (const [, done] of waiting) done(null);
  waiting.clear();
}

export function hoursNow(config, values) {
  if (!values.length) return Promise.resolve([]);
  if (broken) return Promise.resolve(nothing(values));
  try {
    if (!worker) {
      worker = new Worker(config.worker, { type: "module" });
      worker.onmessage = function (event) {
        const done = waiting.get(event.data.id);
        if (!done) return;
        if (event.data.started) { done.timer = setTimeout(stop, TIMEOUT_MS); return; }
        waiting.delete(event.data.id);
        done(event.data.answers);
      };
      worker.onerror = stop;
    }
  } catch (error) {
    return Promise.resolve(nothing(values));
  }
  const id = ++asked;
  return new Promise(function (resolve) {
    const done = function (answers) { clearTimeout(done.timer); resolve(answers || nothing(values)); };
    waiting.set(id, done);
    const { messages, language } = current();
    worker.postMessage({ id: id, libs: config.libs, values: values, timeZone: config.timeZone, country: config.country,
      messages: messages, language: language });
  });
}
