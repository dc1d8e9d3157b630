"""One Pelican build, for `make build`, `make publish` and `make serve` (tasks.py).

Pelican's own command logs a plugin's exception with its traceback, through a log handler that
wraps it in a narrow column (invalid content: our list of problems twice), and exits 0 when
interrupted. Here a failed build says why in what a contributor can act on, and its exit status
says that it failed:

- invalid content: exactly what `essaim validate` prints, once; status 1;
- a file that cannot be written (a full disk, a read-only folder): one sentence naming it;
  status 1;
- Ctrl-C: one sentence; status 130, so that `make publish && deploy` deploys nothing.
"""

from __future__ import annotations

import errno
from pathlib import Path

import click

from .records.problems import InvalidContent

FAILED = 1
INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C
FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def run(settings_file: str | Path, style: str = "text") -> int:
    """Build the site with `settings_file` (pelicanconf.py, publishconf.py), in this process;
    return the exit status, having printed why when it is not 0."""
    from .cli import validation_report
    from .forked import abandon_pending

    output = Path(settings_file).resolve().parent / "output"
    try:
        from pelican import Pelican  # imported here: Ctrl-C while it loads is an interruption too
        from pelican.settings import read_settings

        settings = read_settings(str(settings_file))  # runs pelicanconf.py: reads territory.yml
        output = Path(settings["OUTPUT_PATH"])
        Pelican(settings).run()
    except InvalidContent as error:
        abandon_pending()
        validation_report(error.problems, style)
        return FAILED
    except KeyboardInterrupt:
        abandon_pending()
        click.echo(
            f"Construction interrompue : {output} est incomplet, relancez la construction avant de "
            "le publier.",
            err=True,
        )
        return INTERRUPTED
    except OSError as error:
        abandon_pending()
        click.echo(os_error_message(error, output), err=True)
        return FAILED
    return 0


def os_error_message(error: OSError, output: Path) -> str:
    """One sentence naming the file that could not be written (or the output folder when the
    system did not say which) and what to do."""
    where = error.filename or output
    if error.errno in FULL:
        return (
            f"Le disque est plein : {where} n'a pas pu être écrit ; libérez de la place puis "
            "relancez la construction."
        )
    if error.errno in READ_ONLY:
        return (
            f"{where} n'est pas accessible en écriture (lecture seule ou droits insuffisants) : "
            "rendez-le accessible en écriture, ou le dossier qui le contient, puis relancez la construction."
        )
    return (
        f"{where} : {error.strerror or error} ; vérifiez ce fichier ou ce dossier puis relancez "
        "la construction."
    )
