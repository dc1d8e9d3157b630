/* Essaim: ask the opening-hours worker what a list of values says now. `config` is what the
   page's markup gives: {worker, libs, timeZone, country}. Resolves to one description (or
   null) per value; to nulls when the browser has no module workers (the page then simply
   says nothing of "now"). */

let worker = null, asked = 0;
const waiting = new Map();

export function hoursNow(config, values) {
  if (!values.length) return Promise.resolve([]);
  try {
    if (!worker) {
      worker = new Worker(config.worker, { type: "module" });
      worker.onmessage = function (event) {
        const done = waiting.get(event.data.id);
        if (done) { waiting.delete(event.data.id); done(event.data.answers); }
      };
    }
  } catch (error) {
    return Promise.resolve(values.map(function () { return null; }));
  }
  const id = ++asked;
  return new Promise(function (resolve) {
    waiting.set(id, resolve);
    worker.postMessage({ id: id, libs: config.libs, values: values, timeZone: config.timeZone, country: config.country });
  });
}
