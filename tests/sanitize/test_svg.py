"""SVG: rendered to PNG by resvg after script, handlers and external references are stripped."""

from __future__ import annotations

import io

from PIL import Image

from mamori.sanitize import Mode, Policy, Verdict, sanitize_file

EVIL = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'width="120" height="60">'
    b"<script>alert(document.cookie)</script>"
    b'<rect width="120" height="60" fill="#ff0000" onload="steal()"/>'
    b'<image xlink:href="file:///etc/passwd" width="10" height="10"/>'
    b'<a href="javascript:evil()"><text x="5" y="30">click</text></a>'
    b"<foreignObject><body xmlns='http://www.w3.org/1999/xhtml'><iframe src='https://evil.example'/></body>"
    b"</foreignObject></svg>"
)


def test_svg_with_script_becomes_a_png_of_the_same_size() -> None:
    result = sanitize_file(EVIL, "logo.svg", Policy())
    assert result.verdict is Verdict.CONVERTED
    assert result.output_filename == "logo.png"
    output = result.output or b""
    assert output.startswith(b"\x89PNG") and b"script" not in output
    image = Image.open(io.BytesIO(output)).convert("RGB")
    assert image.size == (120, 60)
    assert image.getpixel((60, 50)) == (255, 0, 0)
    details = [f.detail for f in result.findings]
    for expected in (
        "script",
        "onload",
        "foreignObject",
        "外部参照 file:///etc/passwd",
        "外部参照 javascript:evil()",
    ):
        assert expected in details
    assert result.has_active_content


def test_huge_svg_is_scaled_down_not_exploded() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="100000">'
        b'<rect width="10" height="10"/></svg>'
    )
    result = sanitize_file(svg, "big.svg", Policy())
    assert result.verdict is Verdict.CONVERTED
    assert max(Image.open(io.BytesIO(result.output or b"")).size) <= 4096


def test_entity_bomb_svg_is_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>'
    )
    result = sanitize_file(bomb, "bomb.svg", Policy())
    assert result.verdict in (Verdict.CONVERTED, Verdict.REMOVED)
    assert result.reason


def test_svg_is_removed_when_the_policy_says_so() -> None:
    result = sanitize_file(EVIL, "logo.svg", Policy(svg=Mode.REMOVE))
    assert result.verdict is Verdict.REMOVED
