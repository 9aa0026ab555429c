"""Settings shared by every environment; overlays in dev.py, test.py and prod.py.

Secrets come only from the environment."""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = PACKAGE_DIR.parents[1] if (PACKAGE_DIR.parents[1] / "pyproject.toml").exists() else Path.cwd()
VAR_DIR = Path(os.environ.get("GONGZHI_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("GONGZHI_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("GONGZHI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "gongzhi.core",
    "gongzhi.regulation",
    "gongzhi.ledger",
    "gongzhi.jobs",
    "gongzhi.workdays",
    "gongzhi.territory",
    "gongzhi.people",
    "gongzhi.residents",
    "gongzhi.duties",
    "gongzhi.consult",
    "gongzhi.autonomy",
    "gongzhi.routing",
    "gongzhi.appeals",
    "gongzhi.open311",
    "gongzhi.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gongzhi.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gongzhi.people.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gongzhi.config.urls"
WSGI_APPLICATION = "gongzhi.config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "gongzhi.web.context_processors.shell",
            ],
        },
    }
]


def database_from_env() -> dict[str, object]:
    """SQLite (WAL) inside the checkout by default; PostgreSQL when GONGZHI_DATABASE_URL says postgres://."""
    url = os.environ.get("GONGZHI_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        from urllib.parse import unquote, urlparse

        parsed = urlparse(url)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parsed.path.lstrip("/") or "gongzhi",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            # Only server-binding cursors prepare (core.db.repeating_cursor: HotQuery and the ledger's appends), after
            # 5 runs on a connection; Django's own cursors bind on the client and never do. psycopg drops them all on
            # any rollback. Behind PgBouncer in transaction mode: PgBouncer ≥ 1.22 with max_prepared_statements set.
            "OPTIONS": {"prepare_threshold": 5},
            "TEST": {"NAME": os.environ.get("GONGZHI_TEST_DATABASE", "test_gongzhi")},
        }
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else str(VAR_DIR / "gongzhi.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "people:login"

# 等保 2.0 L3 identity: lockout after repeated failures with a cool-off, idle timeout.
GONGZHI_LOGIN_MAX_FAILURES = 5
GONGZHI_LOGIN_LOCKOUT_SECONDS = 15 * 60
# 免登录查询 by appeal number + 提取码: wrong codes lock the number for one client after GONGZHI_LOGIN_MAX_FAILURES, and
# for everyone after this many from all clients together (so nobody can lock a stranger's appeal out with 5 requests,
# and guessing 32^6 codes stays out of reach however many addresses are used).
GONGZHI_TRACK_MAX_FAILURES_PER_NUMBER = 50
# Proxies in front of the app that append the client's address to X-Forwarded-For (deploy/nginx.conf: 1).
GONGZHI_TRUSTED_PROXIES = int(os.environ.get("GONGZHI_TRUSTED_PROXIES", "0"))
SESSION_COOKIE_AGE = int(os.environ.get("GONGZHI_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "共治 Gongzhi"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background work: the durable database queue on one machine; GONGZHI_TASK_BACKEND=rq moves it to Redis.
TASKS: dict[str, dict[str, object]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REDIS_URL = os.environ.get("GONGZHI_REDIS_URL", "redis://127.0.0.1:6379/0")
if os.environ.get("GONGZHI_TASK_BACKEND") == "rq":
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}  # the worker must run jobs as django-tasks tasks

GONGZHI_SITE_NAME = _("共治 · 德阳社区治理平台")
GONGZHI_CITY_CODE = "5106"
GONGZHI_DIVISIONS_CSV = PACKAGE_DIR / "territory" / "data" / "deyang-divisions.csv"
GONGZHI_IMPORT_MAX_ROWS = 200_000
# Resident notices about appeals: a class with send(to_user=, to_mobile=, message=) (gongzhi.appeals.notify).
GONGZHI_APPEAL_NOTICE_CHANNEL = os.environ.get("GONGZHI_APPEAL_NOTICE_CHANNEL", "gongzhi.appeals.notify.FileChannel")

LOGGING: dict[str, object] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "filters": {"request_id": {"()": "gongzhi.core.middleware.RequestIdLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Residents' vault: field keys and the blind-index key come from configuration, never from the repository.
# GONGZHI_VAULT_KEYS = '{"current": "k2", "keys": {"k1": "<base64 32 bytes>", "k2": "<base64 32 bytes>"}}'
GONGZHI_VAULT_KEYS = os.environ.get("GONGZHI_VAULT_KEYS", "")
GONGZHI_VAULT_INDEX_KEY = os.environ.get("GONGZHI_VAULT_INDEX_KEY", "")
GONGZHI_VAULT_DEV_KEYS = False  # dev/test: generate keys into VAR_DIR on first use
