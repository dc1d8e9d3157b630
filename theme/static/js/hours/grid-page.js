/* Essaim: the form's weekly grid. Each change writes the opening-hours field in OSM syntax
   (grid.js); the field stays editable for what the grid cannot say. */

import { format, gettext } from "../messages.js";
import { gridToOSM } from "./grid.js";

const grid = document.querySelector("[data-hours-grid]");
if (grid) {
  const field = document.getElementById(grid.getAttribute("data-hours-grid"));
  const error = grid.querySelector(".field-error");
  grid.hidden = false;
  grid.addEventListener("change", function () {
    const week = [];
    for (let d = 0; d < 7; d++) {
      const row = grid.querySelector("[data-day='" + d + "']");
      const times = row.querySelectorAll("input[type=time]");
      week.push([[times[0].value, times[1].value], [times[2].value, times[3].value]]);
    }
    const found = gridToOSM(week, grid.querySelector("[name=hours-holidays]").checked);
    grid.querySelectorAll("[data-day]").forEach(function (row) { row.removeAttribute("aria-invalid"); });
    if (found.error) {
      const row = grid.querySelector("[data-day='" + found.day + "']");
      row.setAttribute("aria-invalid", "true");
      error.textContent = format(gettext("%(day)s : %(error)s."), { day: row.querySelector("th").textContent, error: found.error });
      error.hidden = false;
      return;
    }
    error.hidden = true;
    if (!found.text) return;  /* an empty grid leaves what was typed in the field */
    field.value = found.text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
}
