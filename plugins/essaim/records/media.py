"""Images a record or territory.yml names (`logo:`): regular files of the repository's media/,
of the type their name says by their content, of a bounded size.

The schema already keeps the path under media/ with no `..` and no absolute path; here the file
itself is looked at, without following links, since a build copies it onto the site: a link to
`/proc/self/environ` would publish the build's environment, and an SVG can carry a script that
runs on the site's origin (SVG is not accepted at all).
"""

from __future__ import annotations

import os
import stat

from .limits import LIMITS

# The first bytes of each accepted type (WebP: "RIFF", four bytes of size, then "WEBP").
SIGNATURES = {
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
}


def image_problem(root: str | os.PathLike[str], relative: str) -> str | None:
    """What is wrong with the image at `relative` (a path the schema accepted) under `root`, as
    the end of a French sentence, or None when it may be published."""
    path = os.fspath(root)
    for part in relative.split("/"):
        path = os.path.join(path, part)
        try:
            info = os.lstat(path)
        except OSError:
            return "est introuvable : ajoutez l'image au dépôt à ce chemin, ou retirez la ligne"
        if stat.S_ISLNK(info.st_mode):
            return "est un lien symbolique : mettez l'image elle-même dans media/"
    if not stat.S_ISREG(info.st_mode):
        return "n'est pas un fichier : indiquez le chemin d'une image"
    limit = LIMITS["logo_bytes"]
    if info.st_size > limit:
        return f"pèse {info.st_size // 1024} Ko, {limit // 1024} Ko au plus : réduisez l'image"
    extension = relative.rsplit(".", 1)[-1].lower()
    with open(path, "rb") as handle:
        head = handle.read(12)
    if not SIGNATURES[extension](head):
        return (
            f"n'est pas une image {extension.upper()} (son contenu est d'un autre type) : "
            "enregistrez-la en PNG, JPEG ou WebP"
        )
    return None
