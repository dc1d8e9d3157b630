"""Lists for an issue or a pull request, in Markdown: contributors' texts shown as text (no
mention, no reference, no markup), each list cut short to fit a body of 65,536 characters."""

from __future__ import annotations

from ..records.problems import Problem, visible

# What an issue body shows of each list (GitHub's body holds 65,536 characters): the stale
# records (about 190 characters a row), then each check's warnings (about 300).
STALE_ITEMS = 120


MARKDOWN_ITEMS = 60


def markdown_text(text: str) -> str:
    """A contributor's text inside Markdown (an issue, a pull request): its signs shown as
    signs, no mention (@name) or reference (#12) made, on one line."""
    text = " ".join(visible(text).split())
    text = text.replace("&", "&amp;")  # no entity (&commat;) becomes a sign
    text = "".join("\\" + c if c in "\\`*_[]()<>|!~" else c for c in text)
    for sign in "@#%$":  # no mention (@name), reference (#12, %jalon, $extrait)
        text = text.replace(sign, sign + "\u2060")
    return text


def stale_markdown(records: list, urls, months: int) -> str:
    """The body of the maintainers' monthly issue: the stale records, oldest first, with what
    to do (ask the actor, then correct the file or `essaim confirm` it)."""
    if not records:
        return f"Aucune fiche n'a plus de {months} mois sans mise à jour.\n"
    lines = [
        f"## Fiches à faire confirmer ({len(records)})",
        "",
        f"Ces fiches n'ont pas été mises à jour depuis plus de {months} mois. Demandez à chaque "
        "structure si ses informations sont toujours justes, puis corrigez la fiche, ou, si tout "
        "est juste, lancez `essaim confirm <fichier>` (la date de mise à jour devient celle du jour).",
        "",
        "| Fiche | Fichier | Dernière mise à jour |",
        "| --- | --- | --- |",
    ]
    for record in records[:STALE_ITEMS]:
        lines.append(
            f"| [{markdown_text(record.name)}]({urls.record(record)}) | `{record.source}` "
            f"| {record.updated:%d/%m/%Y} |"
        )
    if len(records) > STALE_ITEMS:
        more = len(records) - STALE_ITEMS
        lines += ["", f"Et {more} autre(s), plus récentes : « essaim stale » les liste toutes."]
    return "\n".join(lines) + "\n"


def warnings_markdown(title: str, none: str, warnings: list[Problem], directory) -> str:
    """Warnings of a check for an issue: a heading with their count, one item per warning
    naming its record, file and line (the first MARKDOWN_ITEMS: an issue holds 65,536
    characters); `none` when there is none."""
    if not warnings:
        return none + "\n"
    names = {r.source: r.name for r in directory.all_records}
    lines = [f"## {title} ({len(warnings)})", ""]
    for problem in warnings[:MARKDOWN_ITEMS]:
        name = markdown_text(names.get(problem.path, problem.path))
        where = f"`{problem.path}`, ligne {problem.line}"
        lines.append(f"- **{name}** ({where}) : {markdown_text(problem.message)}")
    if len(warnings) > MARKDOWN_ITEMS:
        lines.append(
            f"- et {len(warnings) - MARKDOWN_ITEMS} autre(s) : lancez la commande pour la liste entière"
        )
    return "\n".join(lines) + "\n"
