"""Every generated page passes the Nu Html Checker (vnu-jar from npm, run by Debian's Java)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import REPO, require

JAVA = Path("/usr/bin/java")
VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"


def test_every_page_is_valid_html(demo_output, languages_output):
    """The demo, and the demo in three languages (its English and Spanish pages, and the
    French ones with their language switcher)."""
    require(JAVA, "default-jre-headless")
    assert VNU.is_file(), "vnu-jar is missing: run `make test` (npm ci installs it)"
    pages = sorted(str(p) for output in (demo_output, languages_output) for p in output.rglob("*.html"))
    assert len(pages) > 400 and any("/es/organizaciones/" in p for p in pages)
    result = subprocess.run(
        [str(JAVA), "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{m.get('url', '').removeprefix('file:')}:{m.get('lastLine')}: {m['message']}" for m in messages
    ]
    assert errors == []
