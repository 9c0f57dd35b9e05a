"""A consistent backup of the database and the data directory, and its restore.

The archive (.tar.gz) holds ``manifest.json``, ``database.json`` (Django's portable serialisation, so a
SQLite backup restores into PostgreSQL and back) and ``files/`` with the data directory minus the database
file itself and collected static files. The database is read inside one repeatable-read transaction.
"""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from mamori import __version__

FORMAT_VERSION = 1
_EXCLUDED_MODELS = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
_SKIPPED_FILES = {"static"}


class BackupError(Exception):
    """The backup could not be written or restored; the message is Japanese."""


def _skip(relative: Path) -> bool:
    if not relative.parts:
        return False
    top = relative.parts[0]
    return top in _SKIPPED_FILES or top.startswith("mamori.sqlite3")


def write_backup(archive: Path) -> str:
    """Write a backup archive; return a short Japanese summary."""
    buffer = io.StringIO()
    # Only an outermost transaction can choose its isolation level (an enclosing one already has).
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command(
            "dumpdata",
            exclude=_EXCLUDED_MODELS,
            natural_foreign=True,
            natural_primary=False,
            stdout=buffer,
            verbosity=0,
        )
    data = buffer.getvalue().encode("utf-8")
    objects = len(json.loads(data))
    manifest = {
        "format": FORMAT_VERSION,
        "mamori": __version__,
        "created": timezone.now().isoformat(),
        "database": connection.vendor,
        "objects": objects,
    }
    data_dir = Path(settings.DATA_DIR)
    try:
        archive.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "w:gz") as tar:
            _add_bytes(
                tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            )
            _add_bytes(tar, "database.json", data)
            files = 0
            for path in sorted(data_dir.rglob("*")):
                relative = path.relative_to(data_dir)
                if _skip(relative) or not path.is_file() or path.resolve() == archive.resolve():
                    continue
                tar.add(path, arcname=f"files/{relative.as_posix()}", recursive=False)
                files += 1
    except OSError as exc:
        raise BackupError(f"ファイルを書き込めませんでした（{exc.strerror}）。") from exc
    return f"{objects}件のデータ、{files}個のファイル"


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _database_has_data() -> bool:
    from django.contrib.auth import get_user_model

    from mamori.core.models import Body, Person

    return get_user_model().objects.exists() or Body.objects.exists() or Person.objects.exists()


def restore_backup(archive: Path, *, force: bool = False) -> str:
    """Restore an archive into this installation's database and data directory."""
    if not archive.is_file():
        raise BackupError(f"{archive} が見つかりません。")
    call_command("migrate", interactive=False, verbosity=0)
    if _database_has_data() and not force:
        raise BackupError("データベースにデータがあります。上書きする場合は --force を指定してください。")
    data_dir = Path(settings.DATA_DIR)
    try:
        with tarfile.open(archive, "r:gz") as tar, tempfile.TemporaryDirectory() as tmp:
            # The "data" filter refuses absolute paths, links out of the tree and device files.
            tar.extractall(tmp, filter="data")
            root = Path(tmp)
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT_VERSION:
                raise BackupError("このバックアップの形式には対応していません。")
            with transaction.atomic():
                if force:
                    call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(root / "database.json"), verbosity=0)
            files = 0
            for path in sorted((root / "files").rglob("*")) if (root / "files").exists() else []:
                if path.is_file():
                    target = data_dir / path.relative_to(root / "files")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(path.read_bytes())
                    files += 1
    except (tarfile.TarError, OSError, json.JSONDecodeError, KeyError) as exc:
        raise BackupError("バックアップファイルを読み込めませんでした。") from exc
    return f"{manifest['objects']}件のデータ、{files}個のファイル"
