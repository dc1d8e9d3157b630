"""What every output part of Essaim shares: it reads nothing itself, can be switched off in
territory.yml, and writes through OutputFiles with its own manifest."""

from __future__ import annotations

import inspect
import logging
from functools import cache
from pathlib import Path
from types import MethodType
from typing import Any

from jinja2 import Environment
from pelican.generators import Generator

from .jsontext import jinja_dumps
from .output import OutputFiles, fingerprint
from .records.territory import TERRITORY_FILE
from .site import Site

logger = logging.getLogger(__name__)
_DICT_ATTRIBUTES = frozenset(dir(dict))
_MISSING = object()


def getattr_quick(environment: Environment, obj: Any, attribute: str) -> Any:
    """Jinja's `Environment.getattr` (`a.b` in templates): the same result, without exceptions
    on the two paths record pages take thousands of times.

    - A record's fields are a plain dict, read as `f.website`: Jinja first tries the attribute,
      which raises (and formats) an AttributeError, then the key. A plain dict's attributes are
      dict's own, so any other name is looked up as a key directly.
    - `record.origin is defined` on a local record: Jinja's attribute lookup raises, then so
      does `record["origin"]`. Here the attribute is looked up without raising, and the item
      only when the object's type can have items.
    """
    if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
        value = obj.get(attribute, _MISSING)
    else:
        value = getattr(obj, attribute, _MISSING)
        if value is _MISSING and _has_items(type(obj)):
            try:
                return obj[attribute]
            except (TypeError, LookupError, AttributeError):
                pass
    return environment.undefined(obj=obj, name=attribute) if value is _MISSING else value


@cache
def _has_items(kind: type) -> bool:
    return hasattr(kind, "__getitem__")


class Part(Generator):
    """A Pelican generator that writes one part of the site from the shared Site (`essaim`)."""

    PART = ""
    site: Site
    files: OutputFiles

    def generate_context(self) -> None:
        """Nothing to add: the Directory is read once, by DirectoryGenerator."""

    def start(self) -> bool:
        """Set `site` and `files`; False when territory.yml switches this part off."""
        self.site = self.context["essaim"]
        self.env.policies["json.dumps_function"] = jinja_dumps  # `tojson` in templates
        self.env.getattr = MethodType(getattr_quick, self.env)  # type: ignore[method-assign]
        if not self.site.territory.feature(self.PART):
            logger.info("essaim: %s is switched off in territory.yml", self.PART)
            return False
        cache = self.settings.get("CACHE_PATH") if self.settings.get("CACHE_CONTENT") else None
        self.files = OutputFiles(self.output_path, cache, self.PART)
        return True

    def part_stamp(self) -> str:
        """What all of this part's outputs depend on: territory.yml and the part's own code."""
        code = Path(inspect.getfile(type(self))).parent
        return fingerprint(
            Path(self.settings["ESSAIM_ROOT"], TERRITORY_FILE).read_bytes(),
            sorted((p.name, p.stat().st_mtime_ns) for p in code.glob("*.py")),
            self.site.peers.stamp if self.site.peers else None,  # a pull changes what pages show
        )
