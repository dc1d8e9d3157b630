/* The JavaScript's catalogue of a language, as the build embeds it in a page
   (essaim.i18n.script_messages, asked of the project's Python). */

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const python = process.env.ESSAIM_PYTHON || path.join(repo, ".venv/bin/python");

export function catalogue(language) {
  return JSON.parse(execFileSync(python, ["-c",
    `import json; from essaim.i18n import script_messages; print(json.dumps(script_messages("${language}")))`], { encoding: "utf-8" }));
}
