"""QR codes as small SVG images, made by zxing-cpp's encoder (C++: a directory of thousands of
actors gets its codes in seconds, where pure-Python encoders take ten times longer).

The SVG is one path of horizontal runs over a quiet zone of four modules, which a reader needs
on paper. It is a file of its own (/imprimer/qr/…), shown by an <img> with its alt text, which
browsers print and WeasyPrint tags as a figure in the PDF, once per actor however many booklets
show it."""

from __future__ import annotations

import re

import zxingcpp

QUIET = 4  # modules of white around the code (ISO/IEC 18004)


_DARK = re.compile(rb"(\x00+)")  # split on it: light, dark, light... runs of a row


def qr_rows(text: str) -> tuple[bytes, int]:
    """The code's modules, one byte each (0 dark, 255 light) row after row, and its width;
    error correction M (15 %: a poster on a door gets dirty)."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    return bytes(image), image.shape[1]


def qr_svg(text: str) -> str:
    """The SVG text of a QR code of `text`: each row's dark runs as one stroked path (relative
    moves, about 2 KB for a record's address): a move over each light run, a line along each
    dark one."""
    data, width = qr_rows(text)
    size = width + 2 * QUIET
    path = []
    for y in range(len(data) // width):
        runs = list(map(len, _DARK.split(data[y * width : (y + 1) * width])))  # light, dark, ..., light
        if len(runs) > 1:
            path.append(f"M{QUIET} {y + QUIET + 0.5}" + ("m%d 0h%d" * (len(runs) // 2)) % tuple(runs[:-1]))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path stroke="#000" stroke-width="1" d="{"".join(path)}"/></svg>'
    )
