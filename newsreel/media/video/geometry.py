"""Picture sizes for renditions."""

from __future__ import annotations

from fractions import Fraction


def output_size(
    width: int, height: int, sar: Fraction | None, max_width: int, max_height: int
) -> tuple[int, int]:
    """Square-pixel size of a `width` x `height` picture with sample aspect `sar`, fitted in the box without
    upscaling, even in both directions as 4:2:0 requires."""
    display_width = width * (sar or 1)
    scale = min(Fraction(1), Fraction(max_width) / display_width, Fraction(max_height, height))
    w = int(display_width * scale) // 2 * 2
    h = int(height * scale) // 2 * 2
    return max(2, w), max(2, h)
