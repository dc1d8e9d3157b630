"""The one gate in front of other projects' internals.

A few quick paths reach past the public API of the libraries the build runs on: Jinja's
`Context.call` with its hidden arguments and the `escape` global of compiled templates, and
MarkupSafe's C `_escape_inner` (pages/jinja_ext.py), Pelican's `Writer._open_w` and
`_overridden_files` (writer.py). Each gives the same output as the public API (tests compare
them byte for byte). They are used only with the versions they were written and tested against
(pinned in pyproject.toml); with any other, or with `ESSAIM_PUBLIC_PATHS=1`, the public API
builds the same site and the build says so once. `invoke test --latest` runs the suite with the
newest versions the pins allow.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from importlib import metadata, util

logger = logging.getLogger(__name__)
# Distribution → the version prefix the quick paths were tested with.
TESTED = {"Jinja2": "3.1.", "MarkupSafe": "3.0.", "pelican": "4.12."}


def _private_escape_available() -> bool:
    """Whether MarkupSafe's C module, with `_escape_inner`, is there (2.1 has none; a pure
    Python install has no C module)."""
    if util.find_spec("markupsafe._speedups") is None:
        return False
    from markupsafe import _speedups

    return hasattr(_speedups, "_escape_inner")


@cache
def quick_paths() -> bool:
    """Whether the quick paths may be used in this process: the tested versions, their internals
    present, and not switched off by ESSAIM_PUBLIC_PATHS. When not, a warning says why, once."""
    versions = {name: metadata.version(name) for name in TESTED}
    if os.environ.get("ESSAIM_PUBLIC_PATHS"):
        reason = "ESSAIM_PUBLIC_PATHS est défini"
    elif not all(versions[name].startswith(prefix) for name, prefix in TESTED.items()):
        reason = ", ".join(f"{name} {version}" for name, version in versions.items()) + " (non testés)"
    elif not _private_escape_available():
        reason = "MarkupSafe sans son module C"
    else:
        return True
    logger.warning(
        "essaim : %s : les chemins rapides (internes de Jinja, MarkupSafe et Pelican) sont "
        "désactivés, leurs API publiques construisent le même site, un peu plus lentement",
        reason,
    )
    return False
