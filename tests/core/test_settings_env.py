import os
import stat
import subprocess
import sys

import pytest

from mamori.config.env import ConfigurationError, env_bool, env_int, secret_key


def test_booleans_refuse_unknown_spellings(monkeypatch):
    monkeypatch.setenv("MAMORI_X", "maybe")
    with pytest.raises(ConfigurationError, match="MAMORI_X"):
        env_bool("MAMORI_X")
    monkeypatch.setenv("MAMORI_X", "on")
    assert env_bool("MAMORI_X") is True


def test_integers_refuse_text(monkeypatch):
    monkeypatch.setenv("MAMORI_N", "ten")
    with pytest.raises(ConfigurationError):
        env_int("MAMORI_N", 1)


def test_secret_key_is_generated_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("MAMORI_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert secret_key(tmp_path) == first
    assert len(first) >= 50
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600


def test_debug_is_off_and_database_is_sqlite_in_the_data_dir_by_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORI_")}
    env["MAMORI_DATA_DIR"] = str(tmp_path)
    code = (
        "from mamori.config import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    debug, engine, name = out.split()
    assert debug == "False"
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "mamori.sqlite3")


def test_postgres_url_selects_postgresql(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORI_")}
    env.update(MAMORI_DATA_DIR=str(tmp_path), MAMORI_DATABASE_URL="postgres://u:p@db.example:5432/mamori")
    code = "from mamori.config import settings as s; print(s.DATABASES['default']['ENGINE'])"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "django.db.backends.postgresql"
