/* Essaim: "Proposer une fiche". Checks the form against the record's JSON Schema (embedded in
   the page, the contract of essaim validate), with the same messages, then writes the
   Markdown file and offers to open it on the forge, download it or e-mail it. No framework. A
   module: its own messages come from messages.js, the checks' sentences from the build. */

import { format, gettext, ngettext } from "./messages.js";

(function () {
  "use strict";

  var form = document.getElementById("propose-form");
  if (!form) return;
  var settings = JSON.parse(form.getAttribute("data-settings"));
  var summary = document.getElementById("propose-errors");
  var result = document.getElementById("propose-result");

  /* ---------- Reading the form ---------- */

  function control(field) { return document.getElementById(field.id); }

  /* U+0080-U+009F are windows-1252 characters pasted from a text once read as Latin-1 (’ is
     U+0092): each is given back its character, "" for the five that windows-1252 leaves out. */
  var CP1252 = "€\u0000‚ƒ„…†‡ˆ‰Š‹Œ\u0000Ž\u0000\u0000‘’“”•–—˜™š›œ\u0000žŸ";

  /* Text as a record can hold it, as clean_text() does for imports (contribute/template.py):
     C1 controls turned back into characters; other controls (tab and line feed kept), DEL,
     non-characters and lone surrogates (half an emoji) removed. YAML refuses them all, and
     encodeURIComponent throws on a lone surrogate. */
  function cleanText(text) {
    return text.replace(/\r\n?/g, "\n")
      .replace(/[\u0080-\u009f]/g, function (c) { return CP1252.charAt(c.charCodeAt(0) - 0x80).replace("\u0000", ""); })
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "");
  }

  /* Length in characters (code points), as the JSON Schema and essaim validate count: an emoji is one. */
  function length(text) { return Array.from(text).length; }

  /* The rows of offers and needs that say something (a text, or a date without one, which the
     checks then refuse): [{kind, category, text, until}], each knowing its row's number (not
     written in the file: it is not enumerable). */
  function readOffersNeeds(field) {
    var items = [];
    Array.prototype.forEach.call(control(field).querySelectorAll("[data-row]"), function (row) {
      var value = function (name) { return cleanText(row.querySelector("[name$='." + name + "']").value).trim(); };
      var text = value("text"), until = value("until");
      if (!text && !until) return;
      var item = { kind: value("kind"), category: value("category") };
      if (text) item.text = text;
      if (until) item.until = until;
      Object.defineProperty(item, "row", { value: row.getAttribute("data-row") });
      items.push(item);
    });
    return items.length ? items : undefined;
  }

  function readValue(field) {
    if (field.widget === "boolean") return control(field).checked ? true : undefined;
    if (field.widget === "offers_needs") return readOffersNeeds(field);
    if (field.widget === "themes") {
      return Array.prototype.map.call(control(field).querySelectorAll("input:checked"), function (box) { return box.value; });
    }
    var raw = cleanText(control(field).value).trim();
    if (raw === "") return undefined;
    if (field.widget === "list" || field.widget === "refs") {
      return raw.split(",").map(function (item) { return item.trim(); }).filter(Boolean);
    }
    if (field.widget === "number") return Number(raw);
    if (field.widget === "datetime") return raw.replace(" ", "T");
    return raw;
  }

  /* {key: value} in field order, nested for "address.city"; empty fields left out. */
  function collect() {
    var data = {};
    settings.fields.forEach(function (field) {
      var value = readValue(field);
      if (value === undefined || (Array.isArray(value) && !value.length && !field.required)) return;
      var steps = field.key.split("."), node = data;
      steps.slice(0, -1).forEach(function (step) { node = node[step] || (node[step] = {}); });
      node[steps[steps.length - 1]] = value;
    });
    return data;
  }

  /* ---------- Checking, as essaim validate does ---------- */

  function schemaOf(key) {
    var node = settings.schema;
    key.split(".").forEach(function (step) { node = (node.properties || {})[step] || {}; });
    return node;
  }

  function siretIsValid(siret) {
    if (siret.indexOf("356000000") === 0) {
      return siret.split("").reduce(function (sum, d) { return sum + Number(d); }, 0) % 5 === 0;
    }
    var sum = 0;
    for (var i = 0; i < 14; i++) {
      var digit = Number(siret.charAt(13 - i)) * (i % 2 ? 2 : 1);
      sum += digit > 9 ? digit - 9 : digit;
    }
    return sum % 10 === 0;
  }

  /* The sentences of essaim validate (records/schema.py MESSAGES), sent by the build: one source. */
  function say(kind, blanks) {
    return settings.texts[kind].replace(/\{(\w+)\}/g, function (whole, name) { return String(blanks[name]); });
  }

  function check(node, value, label) {
    var errors = [];
    var type = node.type;
    if (type === "integer" && !Number.isInteger(value)) return [say("type", { name: label, wanted: settings.type_names.integer })];
    if (type === "number" && !(typeof value === "number" && isFinite(value))) return [say("type", { name: label, wanted: settings.type_names.number })];
    if (node.enum && node.enum.indexOf(value) < 0) {
      errors.push(say("enum", { value: value, name: label, choices: node.enum.join(", ") }));
    }
    if (typeof value === "string") {
      if (node.minLength && length(value) < node.minLength) errors.push(say("minLength", { name: label }));
      if (node.maxLength && length(value) > node.maxLength) {
        errors.push(say("maxLength", { name: label, count: length(value), limit: node.maxLength }));
      }
      if (node.pattern && !new RegExp(node.pattern).test(value)) {
        var message = settings.messages[node.pattern] || settings.texts.other_pattern;
        errors.push(say("pattern", { name: label, message: message, value: value }));
      }
    }
    if (typeof value === "number") {
      if (node.minimum !== undefined && value < node.minimum) {
        errors.push(say("minimum", { name: label, value: value, limit: node.minimum }));
      }
      if (node.maximum !== undefined && value > node.maximum) {
        errors.push(say("maximum", { name: label, value: value, limit: node.maximum }));
      }
    }
    if (Array.isArray(value)) {
      if (node.minItems && value.length < node.minItems) errors.push(say("minItems", { name: label, limit: node.minItems }));
      if (node.maxItems && value.length > node.maxItems) {
        errors.push(say("maxItems", { name: label, count: value.length, limit: node.maxItems }));
      }
      if (node.uniqueItems && new Set(value).size !== value.length) errors.push(say("uniqueItems", { name: label }));
      if (node.items) {
        value.forEach(function (item, index) {
          var itemLabel = node.items.properties ? format(gettext("%(label)s n° %(row)s"), { label: label, row: item.row || index + 1 }) : label;
          errors = errors.concat(check(node.items, item, itemLabel));
        });
      }
    }
    if (node.properties && value && typeof value === "object" && !Array.isArray(value)) {
      (node.required || []).forEach(function (key) {
        if (value[key] === undefined) errors.push(say("required_in_form", { name: label + ", " + (settings.offer_need_labels[key] || key) }));
      });
      Object.keys(value).forEach(function (key) {
        var sub = node.properties[key];
        if (sub) errors = errors.concat(check(sub, value[key], label + ", " + (settings.offer_need_labels[key] || key)));
      });
    }
    return errors;
  }

  /* Every problem of the form: [{field, message}], in the order of the form. */
  function problems(data) {
    var found = [];
    settings.fields.forEach(function (field) {
      var steps = field.key.split("."), value = data, parent = null;
      steps.forEach(function (step) { parent = value; value = value === undefined ? undefined : value[step]; });
      var groupSchema = steps.length > 1 ? schemaOf(steps.slice(0, -1).join(".")) : settings.schema;
      var needed = field.required || (steps.length > 1 && parent && (groupSchema.required || []).indexOf(steps[steps.length - 1]) >= 0);
      if (value === undefined || (Array.isArray(value) && !value.length)) {
        if (needed) {
          found.push({ field: field, message: say("required_in_form", { name: field.label }) });
        }
        return;
      }
      check(schemaOf(field.key), value, field.label).forEach(function (message) {
        found.push({ field: field, message: message });
      });
      if (field.key === "siret" && /^[0-9]{14}$/.test(value) && !siretIsValid(value)) {
        found.push({ field: field, message: say("siret_checksum", { value: value }) });
      }
    });
    return found;
  }

  function showProblems(found) {
    settings.fields.forEach(function (field) {
      var error = document.getElementById(field.id + "-error");
      error.hidden = true;
      error.textContent = "";
      control(field).removeAttribute("aria-invalid");
    });
    summary.replaceChildren();
    summary.hidden = !found.length;
    if (!found.length) return;
    var title = document.createElement("h2");
    title.textContent = format(ngettext("La fiche a %(count)s erreur à corriger", "La fiche a %(count)s erreurs à corriger",
      found.length), { count: found.length });
    var list = document.createElement("ul");
    found.forEach(function (problem) {
      var error = document.getElementById(problem.field.id + "-error");
      error.textContent = (error.textContent ? error.textContent + " " : "") + problem.message + ".";
      error.hidden = false;
      control(problem.field).setAttribute("aria-invalid", "true");
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = "#" + problem.field.id;
      link.textContent = problem.message;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var target = control(problem.field);
        (target.querySelector("input") || target).focus();
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.appendChild(title);
    summary.appendChild(list);
    summary.focus();
  }

  /* ---------- Writing the file ---------- */

  function yamlValue(value) {
    if (Array.isArray(value)) return "[" + value.map(yamlValue).join(", ") + "]";
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return JSON.stringify(String(value));  /* a JSON string is a valid YAML string */
  }

  function yaml(data, indent) {
    return Object.keys(data).map(function (key) {
      var value = data[key];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        return indent + key + ":\n" + yaml(value, indent + "  ");
      }
      if (Array.isArray(value) && value.length && typeof value[0] === "object") {
        /* A list of groups (offers_needs), in block style: "- kind: need", its keys below. */
        return indent + key + ":\n" + value.map(function (item) {
          return yaml(item, "").split("\n").filter(Boolean).map(function (line, n) {
            return indent + (n ? "    " : "  - ") + line + "\n";
          }).join("");
        }).join("");
      }
      return indent + key + ": " + yamlValue(value) + "\n";
    }).join("");
  }

  /* FNV-1a (32 bits) of the name's UTF-8 bytes, in 8 hex digits: name_hash() of contribute/template.py. */
  function nameHash(text) {
    var bytes = new TextEncoder().encode(text.normalize("NFC")), hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0;
    return ("0000000" + hash.toString(16)).slice(-8);
  }

  /* The file name, as slug_for() writes it: "fiche-<hash>" when no Latin letter or digit is
     left (a name in another script: two names, two files), "<slug>-fiche" for a name the site
     keeps for its own pages (page, and passes or embed for an event). */
  function slugify(text) {
    var slug = text.replace(/œ/g, "oe").replace(/Œ/g, "OE").replace(/æ/g, "ae").replace(/Æ/g, "AE").replace(/ß/g, "ss")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    if (slug.length > 80) slug = slug.slice(0, 80).replace(/-[^-]*$/, "");
    if (!slug) slug = "fiche-" + nameHash(text);
    return settings.reserved_slugs.indexOf(slug) >= 0 ? slug + "-fiche" : slug;
  }

  function forgeURL(path, text) {
    var forge = settings.forge;
    if (forge.kind === "gitlab") {
      return forge.repository + "/-/new/" + encodeURIComponent(forge.branch) + "?file_name=" +
        encodeURIComponent(path) + "&content=" + encodeURIComponent(text);
    }
    return forge.repository + "/new/" + encodeURIComponent(forge.branch) + "?filename=" +
      encodeURIComponent(path) + "&value=" + encodeURIComponent(text);
  }

  function showResult(data) {
    var body = cleanText(document.getElementById("f-body").value).trim();
    var text = "---\n" + yaml(data, "") + "---\n" + (body ? body + "\n" : "");
    var name = String(data[settings.title_key]);
    var path = settings.folder + "/" + slugify(name) + ".md";
    document.getElementById("propose-path").textContent = path;
    document.getElementById("propose-file").value = text;
    var forge = document.getElementById("propose-forge");
    if (forge) forge.href = forgeURL(path, text);
    var mail = document.getElementById("propose-mail");
    if (mail) {
      mail.href = "mailto:" + settings.contact_email + "?subject=" + encodeURIComponent(format(gettext("Nouvelle fiche : %(name)s"), { name: name })) +
        "&body=" + encodeURIComponent(format(gettext("Fichier %(path)s :"), { path: path }) + "\n\n" + text);
    }
    document.getElementById("propose-download").onclick = function () {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
      link.download = path.split("/").pop();
      document.body.appendChild(link);
      link.click();
      link.remove();
    };
    result.hidden = false;
    document.getElementById("propose-result-title").focus();
  }

  /* Whatever goes wrong is told to the person, with a way to send the record all the same. */
  function showFailure(error) {
    result.hidden = true;
    var title = document.createElement("h2"), text = document.createElement("p");
    title.textContent = gettext("La fiche n'a pas pu être préparée");
    var why = { error: String(error && error.message || error), email: settings.contact_email };
    text.textContent = format(settings.contact_email ?
      gettext("Le formulaire a rencontré une erreur inattendue (%(error)s) : envoyez les informations de la fiche à %(email)s, ou vérifiez les champs et réessayez.") :
      gettext("Le formulaire a rencontré une erreur inattendue (%(error)s) : signalez-le à l'équipe de l'annuaire, ou vérifiez les champs et réessayez."), why);
    summary.replaceChildren(title, text);
    summary.hidden = false;
    summary.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    try {
      var data = collect();
      var found = problems(data);
      showProblems(found);
      if (found.length) { result.hidden = true; return; }
      showResult(data);
    } catch (error) {
      showFailure(error);
    }
  });

  /* A corrected field loses its error message as soon as it changes. */
  form.addEventListener("input", function (event) {
    var holder = event.target.closest("[aria-invalid], fieldset[aria-invalid]") || event.target;
    if (holder.getAttribute("aria-invalid")) {
      holder.removeAttribute("aria-invalid");
      var error = document.getElementById(holder.id + "-error");
      if (error) error.hidden = true;
    }
  });

  window.essaimPropose = { collect: collect, problems: problems, cleanText: cleanText, slugify: slugify, nameHash: nameHash };
})();
