"""Django settings for Mamori. Every value comes from the environment with a safe default."""

from __future__ import annotations

import dj_database_url

from mamori.config.env import data_dir, env_bool, env_int, env_list, env_str, secret_key

DATA_DIR = data_dir()
SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("MAMORI_DEBUG", False)
ALLOWED_HOSTS = env_list("MAMORI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("MAMORI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "mamori.web",
    "mamori.core",
    "mamori.policies",
    "mamori.assets",
    "mamori.network",
    "mamori.quarantine",
    "mamori.inspections",
    "mamori.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mamori.web.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mamori.core.audit.audit_context",
    "mamori.core.middleware.require_second_factor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mamori.config.urls"
WSGI_APPLICATION = "mamori.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mamori.web.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("MAMORI_DATABASE_URL", f"sqlite:///{DATA_DIR / 'mamori.sqlite3'}"),
        conn_max_age=env_int("MAMORI_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app, the task worker and the gateway share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if env_str("MAMORI_LDAP_SERVER_URI", ""):
    from mamori.core.ldap_settings import ldap_settings

    globals().update(ldap_settings())
    AUTHENTICATION_BACKENDS.insert(0, "django_auth_ldap.backend.LDAPBackend")

LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "core:login"

# Lockout (issue #2): this many failures for one username inside the window lock it.
MAMORI_LOCKOUT_FAILURES = env_int("MAMORI_LOCKOUT_FAILURES", 10)
MAMORI_LOCKOUT_WINDOW_MINUTES = env_int("MAMORI_LOCKOUT_WINDOW_MINUTES", 15)

SESSION_COOKIE_AGE = env_int("MAMORI_SESSION_AGE_SECONDS", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
_HTTPS = env_bool("MAMORI_HTTPS", False)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS and env_bool("MAMORI_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("MAMORI_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "ja"
TIME_ZONE = env_str("MAMORI_TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Serve from the app directories directly when collectstatic has not run (tests, first start).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str("MAMORI_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("MAMORI_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("MAMORI_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("MAMORI_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("MAMORI_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MAMORI_SMTP_STARTTLS", False)
DEFAULT_FROM_EMAIL = env_str("MAMORI_MAIL_FROM", "mamori@localhost")
MAMORI_BASE_URL = env_str("MAMORI_BASE_URL", "http://127.0.0.1:8000")

TASKS = {"default": {"BACKEND": env_str("MAMORI_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {"TITLE": "Mamori API", "VERSION": "1", "SERVE_INCLUDE_SCHEMA": False}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MAMORI_LOG_LEVEL", "WARNING")},
}

# --- Mail gateway and quarantine (issue #6; owned by the gateway branch) -----------------------------
MAMORI_MAIL_DOMAINS = env_list("MAMORI_MAIL_DOMAINS", [])
MAMORI_GATEWAY_LISTEN = env_str("MAMORI_GATEWAY_LISTEN", "127.0.0.1:10025")
MAMORI_GATEWAY_RELAY = env_str("MAMORI_GATEWAY_RELAY", "127.0.0.1:10026")
MAMORI_GATEWAY_HOSTNAME = env_str("MAMORI_GATEWAY_HOSTNAME", "")
MAMORI_GATEWAY_WORKERS = env_int("MAMORI_GATEWAY_WORKERS", 2)
MAMORI_GATEWAY_MAX_MESSAGE_BYTES = env_int("MAMORI_GATEWAY_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)
MAMORI_GATEWAY_MAX_RECIPIENTS = env_int("MAMORI_GATEWAY_MAX_RECIPIENTS", 100)
MAMORI_GATEWAY_MAX_CONNECTIONS_PER_CLIENT = env_int("MAMORI_GATEWAY_MAX_CONNECTIONS_PER_CLIENT", 20)
MAMORI_GATEWAY_SPOOL_MAX_MESSAGES = env_int("MAMORI_GATEWAY_SPOOL_MAX_MESSAGES", 20000)
MAMORI_GATEWAY_SPOOL_MIN_FREE_MB = env_int("MAMORI_GATEWAY_SPOOL_MIN_FREE_MB", 256)
MAMORI_GATEWAY_RETRY_FIRST_SECONDS = env_int("MAMORI_GATEWAY_RETRY_FIRST_SECONDS", 60)
MAMORI_GATEWAY_RETRY_MAX_SECONDS = env_int("MAMORI_GATEWAY_RETRY_MAX_SECONDS", 3600)
MAMORI_GATEWAY_LIFETIME_HOURS = env_int("MAMORI_GATEWAY_LIFETIME_HOURS", 120)
MAMORI_GATEWAY_TLS_CERT = env_str("MAMORI_GATEWAY_TLS_CERT", "")
MAMORI_GATEWAY_TLS_KEY = env_str("MAMORI_GATEWAY_TLS_KEY", "")
MAMORI_GATEWAY_REQUIRE_TLS = env_bool("MAMORI_GATEWAY_REQUIRE_TLS", False)
MAMORI_GATEWAY_POLICY = env_str("MAMORI_GATEWAY_POLICY", "")  # sanitize policy TOML; empty: strict default
MAMORI_GATEWAY_POSTMASTER = env_str("MAMORI_GATEWAY_POSTMASTER", "")  # fallback for failure notices
MAMORI_GATEWAY_METRICS_LISTEN = env_str("MAMORI_GATEWAY_METRICS_LISTEN", "")
MAMORI_QUARANTINE_RETENTION_DAYS = env_int("MAMORI_QUARANTINE_RETENTION_DAYS", 30)
MAMORI_QUARANTINE_ALLOW_DOWNLOAD = env_bool("MAMORI_QUARANTINE_ALLOW_DOWNLOAD", False)  # internet zone only
MAMORI_RELEASE_AUTO_APPROVE = env_list("MAMORI_RELEASE_AUTO_APPROVE", [])  # e.g. "pdf:render"
MAMORI_RELEASE_FORWARD_ADDRESS = env_str("MAMORI_RELEASE_FORWARD_ADDRESS", "")
MAMORI_RELEASE_FORWARD_RELAY = env_str("MAMORI_RELEASE_FORWARD_RELAY", "")
MAMORI_PPAP_MAX_ATTEMPTS = env_int("MAMORI_PPAP_MAX_ATTEMPTS", 5)
MAMORI_METRICS_ALLOWED_IPS = env_list("MAMORI_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
# --- end of mail gateway and quarantine -------------------------------------------------------------
