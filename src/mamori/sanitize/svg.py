"""Make SVG images harmless: render them to PNG with a safe renderer, or refuse."""

from __future__ import annotations

import re

from mamori.sanitize._context import Context, Converted
from mamori.sanitize.errors import UnsupportedContent

_ACTIVE = re.compile(
    rb"<script|(?<![\w:-])on[a-z]+\s*=|javascript:|<foreignobject|<!entity"
    rb"|href\s*=\s*[\"'](?!#|data:image/)",
    re.IGNORECASE,
)


def clean_svg(data: bytes, ctx: Context) -> Converted:
    """Record script and external references, then refuse: no renderer without script support is bundled."""
    if _ACTIVE.search(data):
        ctx.find("svg_script")
    # SVG is XML that browsers run scripts from; passing it through is never safe, and no renderer
    # that is both permissively licensed and free of network access ships with Mamori (resvg/cairosvg
    # are optional and absent), so the image is refused rather than guessed at.
    raise UnsupportedContent(detail="SVG 画像は安全に変換できる描画エンジンがないため削除しました")
