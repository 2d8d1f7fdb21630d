"""Draws webui/static/favicon.ico: a magnifying glass, white on the site's accent blue, at
16 and 32 pixels (uncompressed 32-bit images in one ICO file). Needs only the standard
library; run it again after changing the drawing: ``python scripts/make_favicon.py``."""

from __future__ import annotations

import math
import struct
from pathlib import Path

ACCENT = (0x0B, 0x5C, 0xAD)  # --accent in style.css
WHITE = (0xFF, 0xFF, 0xFF)
OUT = Path(__file__).resolve().parent.parent / "webui" / "static" / "favicon.ico"


def _coverage(x: float, y: float) -> tuple[float, float]:
    """How much of the point (in 0‥1 units) is tile, and how much of it is glass."""
    r = 0.2  # the tile's rounded corners
    cx, cy = min(max(x, r), 1 - r), min(max(y, r), 1 - r)
    tile = 1.0 if math.hypot(x - cx, y - cy) <= r else 0.0
    ring = abs(math.hypot(x - 0.43, y - 0.43) - 0.2) <= 0.07
    # The handle: a thick segment from the ring to the lower right.
    t = max(0.0, min(1.0, ((x - 0.57) * 0.2 + (y - 0.57) * 0.2) / 0.08))
    handle = math.hypot(x - (0.57 + 0.2 * t), y - (0.57 + 0.2 * t)) <= 0.08
    return tile, 1.0 if ring or handle else 0.0


def _pixels(size: int) -> bytes:
    """BGRA rows, bottom row first (as an ICO's bitmap holds them), 4×4 samples a pixel."""
    rows = []
    for py in range(size - 1, -1, -1):
        row = bytearray()
        for px in range(size):
            tile = glass = 0.0
            for sy in range(4):
                for sx in range(4):
                    x, y = (px + (sx + 0.5) / 4) / size, (py + (sy + 0.5) / 4) / size
                    a, g = _coverage(x, y)
                    tile += a / 16
                    glass += a * g / 16
            mix = glass / tile if tile else 0.0
            r, g, b = (round(c0 + (c1 - c0) * mix) for c0, c1 in zip(ACCENT, WHITE, strict=True))
            row += bytes((b, g, r, round(255 * tile)))
        rows.append(bytes(row))
    return b"".join(rows)


def _image(size: int) -> bytes:
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    mask = b"\0" * (((size + 31) // 32) * 4 * size)  # the alpha channel decides; all shown
    return header + _pixels(size) + mask


def favicon(sizes: tuple[int, ...] = (16, 32)) -> bytes:
    images = [_image(size) for size in sizes]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in zip(sizes, images, strict=True):
        out += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(images)


if __name__ == "__main__":
    OUT.write_bytes(favicon())
    print(f"{OUT} ({OUT.stat().st_size:,} bytes)")
