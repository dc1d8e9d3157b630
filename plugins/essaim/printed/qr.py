"""QR codes as small SVG images, made by zxing-cpp's encoder (C++: a directory of thousands of
actors gets its codes in seconds, where pure-Python encoders take ten times longer).

The SVG is one path of horizontal runs over a quiet zone of four modules, which a reader needs
on paper. It is a file of its own (/imprimer/qr/…), shown by an <img> with its alt text, which
browsers print and WeasyPrint tags as a figure in the PDF, once per actor however many booklets
show it."""

from __future__ import annotations

import zxingcpp

QUIET = 4  # modules of white around the code (ISO/IEC 18004)


def qr_modules(text: str) -> list[bytes]:
    """The code's rows, one byte per module (0 dark, 255 light), error correction M (15 %: a
    poster on a door gets dirty)."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    size = image.shape[1]
    data = bytes(image)
    return [data[row * size : (row + 1) * size] for row in range(image.shape[0])]


def qr_svg(text: str) -> str:
    """The SVG text of a QR code of `text`: each row's dark runs as one stroked path (relative
    moves, about 2 KB for a record's address)."""
    rows = qr_modules(text)
    size = len(rows) + 2 * QUIET
    path = []
    for y, row in enumerate(rows):
        x, last = 0, 0
        moves = []
        while x < len(row):
            if row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and not row[x]:
                x += 1
            moves.append(f"m{start - last} 0h{x - start}")
            last = x
        if moves:
            path.append(f"M{QUIET} {y + QUIET + 0.5}" + "".join(moves))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path stroke="#000" stroke-width="1" d="{"".join(path)}"/></svg>'
    )
