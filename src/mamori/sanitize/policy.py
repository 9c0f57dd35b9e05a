"""The sanitize policy: what to do with each kind of content, and the limits that apply."""

from __future__ import annotations

import dataclasses
import enum
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from mamori.sanitize import limits as _limits
from mamori.sanitize.errors import PolicyError


class Mode(enum.StrEnum):
    """How one kind of file is made harmless."""

    STRUCTURAL = "structural"
    RENDER = "render"
    REMOVE = "remove"


class LinkHandling(enum.StrEnum):
    """What happens to URLs in text."""

    DEFANG = "defang"
    REMOVE = "remove"


class EncryptedHandling(enum.StrEnum):
    """What happens to encrypted content that cannot be inspected."""

    HOLD = "hold"
    REMOVE = "remove"


class HiddenText(enum.StrEnum):
    """What happens to text hidden from the reader (HTML display:none, white on white)."""

    DROP = "drop"
    FLAG = "flag"


# Detected types the engine knows how to make harmless (names as reported in FileResult.detected_type).
SUPPORTED_TYPES: frozenset[str] = frozenset(
    {
        "pdf",
        "docx",
        "xlsx",
        "pptx",
        "doc",
        "xls",
        "ppt",
        "png",
        "jpeg",
        "gif",
        "bmp",
        "tiff",
        "webp",
        "pnm",
        "svg",
        "zip",
        "7z",
        "text",
        "csv",
        "tsv",
        "html",
        "rtf",
        "odf",
    }
)

# File name extensions that are removed whatever their content looks like: Windows runs these on a
# double click (executables, scripts, shortcuts, installers, disk images, help files).
DEFAULT_BLOCKED_EXTENSIONS: frozenset[str] = frozenset(
    {
        "ade", "adp", "app", "appx", "appxbundle", "application", "bat", "cab", "chm", "cmd", "com",
        "cpl", "dll", "exe", "gadget", "hta", "img", "inf", "ins", "iso", "isp", "jar", "js", "jse",
        "lnk", "mde", "msc", "msh", "msi", "msix", "msp", "mst", "one", "pif", "ps1", "ps1xml",
        "ps2", "psc1", "psm1", "reg", "scf", "scr", "sct", "settingcontent-ms", "shb", "sys", "url",
        "vb", "vbe", "vbs", "vhd", "vhdx", "ws", "wsc", "wsf", "wsh", "xll", "xbap", "library-ms",
        "iqy", "slk", "hlp",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Limits:
    """Resource limits; every conversion runs within them (defaults in ``limits.py``)."""

    max_input_bytes: int = _limits.MAX_INPUT_BYTES
    max_archive_members: int = _limits.MAX_ARCHIVE_MEMBERS
    max_archive_depth: int = _limits.MAX_ARCHIVE_DEPTH
    max_expansion_ratio: int = _limits.MAX_EXPANSION_RATIO
    max_expanded_bytes: int = _limits.MAX_EXPANDED_BYTES
    max_image_pixels: int = _limits.MAX_IMAGE_PIXELS
    max_mime_parts: int = _limits.MAX_MIME_PARTS
    max_mime_depth: int = _limits.MAX_MIME_DEPTH
    max_header_bytes: int = _limits.MAX_HEADER_BYTES
    cpu_seconds: int = _limits.CPU_SECONDS
    memory_bytes: int = _limits.MEMORY_BYTES
    max_pdf_pages: int = _limits.MAX_PDF_PAGES
    wall_seconds: int = _limits.WALL_SECONDS
    max_output_bytes: int = _limits.MAX_OUTPUT_BYTES

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise PolicyError(detail=f"limits.{item.name} は正の整数で指定してください（値: {value!r}）")


@dataclass(frozen=True)
class Policy:
    """Say how each kind of content is made harmless; ``Policy()`` is the strict default."""

    pdf: Mode = Mode.STRUCTURAL
    office: Mode = Mode.STRUCTURAL
    legacy_office: Mode = Mode.RENDER
    odf: Mode = Mode.STRUCTURAL
    image: Mode = Mode.STRUCTURAL
    svg: Mode = Mode.RENDER
    archive: Mode = Mode.STRUCTURAL
    text: Mode = Mode.STRUCTURAL
    html: Mode = Mode.STRUCTURAL
    rtf: Mode = Mode.STRUCTURAL
    links: LinkHandling = LinkHandling.DEFANG
    remove_tracking_images: bool = True
    hidden_text: HiddenText = HiddenText.DROP
    encrypted: EncryptedHandling = EncryptedHandling.HOLD
    decrypt_default_password: bool = True
    pdf_remove_links: bool = True
    render_dpi: int = 150
    allowed_types: frozenset[str] = SUPPORTED_TYPES
    blocked_extensions: frozenset[str] = DEFAULT_BLOCKED_EXTENSIONS
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        for name in _MODE_FIELDS:
            _require_enum(self, name, Mode)
        _require_enum(self, "links", LinkHandling)
        _require_enum(self, "hidden_text", HiddenText)
        _require_enum(self, "encrypted", EncryptedHandling)
        for name in ("remove_tracking_images", "decrypt_default_password", "pdf_remove_links"):
            if not isinstance(getattr(self, name), bool):
                raise PolicyError(detail=f"{name} は true か false で指定してください")
        if isinstance(self.render_dpi, bool) or not isinstance(self.render_dpi, int):
            raise PolicyError(detail="render_dpi は整数で指定してください")
        if not 50 <= self.render_dpi <= 300:
            raise PolicyError(detail=f"render_dpi は 50〜300 で指定してください（値: {self.render_dpi}）")
        unknown = set(self.allowed_types) - SUPPORTED_TYPES
        if unknown:
            raise PolicyError(detail=f"allowed_types に未対応の形式があります: {', '.join(sorted(unknown))}")
        if not isinstance(self.limits, Limits):
            raise PolicyError(detail="limits の指定が不正です")

    def mode_for(self, category: str) -> Mode:
        """Return the configured mode of one category (a Policy field name such as ``pdf``)."""
        if category not in _MODE_FIELDS:
            raise PolicyError(detail=f"不明な種別です: {category}")
        mode: Mode = getattr(self, category)
        return mode

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> Self:
        """Build a policy from a mapping (a parsed TOML document); reject unknown keys."""
        if not isinstance(data, Mapping):
            raise PolicyError(detail="ポリシーはキーと値の組で指定してください")
        known = {item.name for item in dataclasses.fields(cls)}
        values: dict[str, object] = {}
        for key, value in data.items():
            if key not in known:
                raise PolicyError(detail=f"不明なキー「{key}」があります")
            values[key] = _convert(key, value)
        return cls(**values)  # type: ignore[arg-type]  # each value was converted and is re-checked

    @classmethod
    def from_toml(cls, path: str | Path) -> Self:
        """Read a policy from a TOML file; reject unknown keys and bad values."""
        try:
            with Path(path).open("rb") as handle:
                data = tomllib.load(handle)
        except OSError as exc:
            raise PolicyError(detail=f"ファイル「{path}」を読めません（{exc.strerror}）") from exc
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(detail=f"ファイル「{path}」は TOML として読めません（{exc}）") from exc
        return cls.from_mapping(data)

    def to_mapping(self) -> dict[str, object]:
        """Return the policy as plain data (the TOML structure ``from_mapping`` accepts)."""
        result: dict[str, object] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Limits):
                result[item.name] = dataclasses.asdict(value)
            elif isinstance(value, frozenset):
                result[item.name] = sorted(value)
            elif isinstance(value, enum.Enum):
                result[item.name] = value.value
            else:
                result[item.name] = value
        return result


_MODE_FIELDS: tuple[str, ...] = (
    "pdf",
    "office",
    "legacy_office",
    "odf",
    "image",
    "svg",
    "archive",
    "text",
    "html",
    "rtf",
)
_ENUM_FIELDS: dict[str, type[enum.StrEnum]] = {
    **dict.fromkeys(_MODE_FIELDS, Mode),
    "links": LinkHandling,
    "hidden_text": HiddenText,
    "encrypted": EncryptedHandling,
}


def _require_enum(policy: Policy, name: str, kind: type[enum.StrEnum]) -> None:
    if not isinstance(getattr(policy, name), kind):
        raise PolicyError(detail=f"{name} の値が不正です")


def _convert(key: str, value: object) -> object:
    if key in _ENUM_FIELDS:
        kind = _ENUM_FIELDS[key]
        allowed = "、".join(member.value for member in kind)
        if not isinstance(value, str) or value not in {member.value for member in kind}:
            raise PolicyError(detail=f"{key} の値 {value!r} は使えません（{allowed} のいずれか）")
        return kind(value)
    if key in ("allowed_types", "blocked_extensions"):
        if not isinstance(value, list | tuple | frozenset | set) or not all(
            isinstance(v, str) for v in value
        ):
            raise PolicyError(detail=f"{key} は文字列の配列で指定してください")
        items = {str(v).strip().lower().lstrip(".") for v in value}
        return frozenset(items)
    if key == "limits":
        if not isinstance(value, Mapping):
            raise PolicyError(detail="limits は表（テーブル）で指定してください")
        known = {item.name for item in dataclasses.fields(Limits)}
        for sub in value:
            if sub not in known:
                raise PolicyError(detail=f"不明なキー「limits.{sub}」があります")
        return Limits(**value)
    return value
