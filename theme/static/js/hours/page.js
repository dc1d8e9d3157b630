/* Essaim: a record page's « Ouvert maintenant » line. The weekly table is in the page; this
   adds, when JavaScript runs, what it means at this moment. */

import { hoursNow } from "./client.js";

const line = document.querySelector("[data-opening-hours]");
if (line) {
  const config = JSON.parse(line.getAttribute("data-hours-config"));
  hoursNow(config, [line.getAttribute("data-opening-hours")]).then(function (answers) {
    const answer = answers[0];
    if (!answer) return;
    line.textContent = answer.text;
    line.classList.add(answer.open === true ? "is-open" : answer.open === false ? "is-closed" : "is-unknown");
    line.hidden = false;
  });
}
