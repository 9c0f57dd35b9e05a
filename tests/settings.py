"""Settings for the test suite: the production settings with a throw-away data dir and plain static files."""

import os
import tempfile

os.environ.setdefault("MAMORI_DATA_DIR", tempfile.mkdtemp(prefix="mamori-test-"))

from mamori.config.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Argon2 is the production hasher (tests/core/test_passwords.py checks it); tests log in many
# people, so the suite hashes with a fast algorithm unless a test asks for the real one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise indexes it at start-up
