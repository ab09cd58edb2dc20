"""Settings, all from the environment with safe defaults.

Every setting Chancery reads is listed in ``ENVIRONMENT`` (name, default, help; kept in
data/environment.toml) so the docs can be checked against it; nothing requires an untracked
local settings file.
"""

import os
import secrets
import tomllib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

# Files this process creates (SQLite database, WAL, media, tiles, exports) are never
# world-readable: 0o027, not 0o077, so a web server in the app's group can still read the
# media it serves; the database and the secret key are created 0600 below regardless.
os.umask(0o027)

BASE_DIR = Path(__file__).resolve().parent

#: name -> (default, help), from data/environment.toml. docs/configuration.md documents each;
#: a test keeps them in step.
ENVIRONMENT: dict[str, tuple[str, str]] = {
    name: (entry["default"], entry["help"])
    for name, entry in tomllib.loads((BASE_DIR / "data" / "environment.toml").read_text()).items()
}


def env(name: str) -> str:
    """The environment value of ``name`` or its documented default."""
    return os.environ.get(name, ENVIRONMENT[name][0])


def env_flag(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "on", "yes"}


CHANCERY_HOME = Path(env("CHANCERY_HOME")).resolve()
CHANCERY_HOME.mkdir(mode=0o700, parents=True, exist_ok=True)
SITE_NAME = env("CHANCERY_SITE_NAME")


def _secret_key() -> str:
    if os.environ.get("CHANCERY_SECRET_KEY"):
        return os.environ["CHANCERY_SECRET_KEY"]
    key_file = CHANCERY_HOME / "secret_key"
    if not key_file.exists():
        # Written 0600 from the first byte under a private name, then linked into place
        # (a link never replaces a key another process made at the same moment).
        tmp = CHANCERY_HOME / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_urlsafe(50).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, key_file)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    elif key_file.stat().st_mode & 0o077:
        key_file.chmod(0o600)  # a key file from an older version was readable by others
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("CHANCERY_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in env("CHANCERY_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env("CHANCERY_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "chancery.corpus",
    "chancery.search",
    "chancery.web",
    "chancery.api",
    "chancery.oai",
    "chancery.discovery",
    "chancery.iiif",
    "chancery.cite",
    "chancery.ingest",
    "reversion",
    "chancery.versions",
    "chancery.audit",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "chancery.jobs",
    "chancery.ocr",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chancery.web.middleware.ContentSecurityPolicy",  # django-csp's, its header built once
    "chancery.db_router.ReplicaMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "chancery.web.middleware.ControlCharactersInPath",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "chancery.web.busy.BusyDatabaseMiddleware",
    "chancery.search.budget.SearchTimeoutMiddleware",
    # innermost: ETags, 304s and kept pages for anonymous readers (issue 18)
    "chancery.web.freshness.FreshnessMiddleware",
]

ROOT_URLCONF = "chancery.urls"
WSGI_APPLICATION = "chancery.wsgi.application"

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
                "chancery.web.context_processors.site",
            ],
        },
    },
]


def _private_file(name) -> None:
    """An SQLite database file created 0600 before SQLite opens it (its WAL and shared-memory
    files then take the same mode); an older one readable by others is made 0600."""
    if not name or str(name).startswith(":memory:") or str(name).startswith("file:"):
        return
    try:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT, 0o600))
        if os.stat(name).st_mode & 0o077:
            os.chmod(name, 0o600)
    except OSError:  # a read-only or missing folder: SQLite reports it when it opens
        pass


def _database(url: str) -> dict:
    url = url.replace("$CHANCERY_HOME", str(CHANCERY_HOME))
    # Persistent connections, checked before reuse in each request (docs/postgresql.md).
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        _private_file(config["NAME"])
        # Per request, as under gevent; the SQLite connection under it is kept for the next
        # request of the process when safe (chancery/sqlite_kept/base.py).
        config["ENGINE"] = "chancery.sqlite_kept"
        config["CONN_MAX_AGE"] = 0
        # A save made while an import holds the write lock waits for it (docs/importing.md).
        busy_ms = int(float(env("CHANCERY_SQLITE_BUSY_TIMEOUT")) * 1000)
        config["OPTIONS"] = {
            # WAL lets readers (the public site) run while an import writes.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                f"PRAGMA busy_timeout={busy_ms}; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return config


DATABASES = {"default": _database(env("CHANCERY_DATABASE_URL"))}
# Read replicas (chancery/db_router.py): tests read them as the primary (TEST MIRROR).
DATABASE_REPLICAS = []
for _n, _url in enumerate(u.strip() for u in env("CHANCERY_REPLICA_URLS").split(",") if u.strip()):
    _alias = f"replica{_n + 1}"
    DATABASES[_alias] = _database(_url) | {"TEST": {"MIRROR": "default"}}
    DATABASES[_alias].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["chancery.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CHANCERY_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = CHANCERY_HOME / "media"
FILE_UPLOAD_PERMISSIONS = 0o640  # Django's default is 0644: world-readable
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Uploads (chancery/corpus/uploads.py) and the media view (chancery/corpus/media.py).
UPLOAD_MAX_BYTES = int(env("CHANCERY_UPLOAD_MAX_MB")) * 1024 * 1024
MEDIA_ACCEL_PREFIX = env("CHANCERY_MEDIA_ACCEL_PREFIX").strip()
IMAGE_MAX_PIXELS = int(env("CHANCERY_IMAGE_MAX_PIXELS"))
# Published schemas are not part of the project (chancery/corpus/schemas.py).
SCHEMAS_DIR = Path(env("CHANCERY_SCHEMAS_DIR") or BASE_DIR.parent.parent / "shared" / "schemas")
IIIF_MAX_AREA = int(env("CHANCERY_IIIF_MAX_AREA"))
IIIF_MAX_SIDE = int(env("CHANCERY_IIIF_MAX_SIDE"))
IIIF_DECODE_MAX_PIXELS = int(env("CHANCERY_IIIF_DECODE_MAX_PIXELS"))
IIIF_CACHE_BYTES = int(env("CHANCERY_IIIF_CACHE_MB")) * 1024 * 1024
# Background jobs (docs/jobs.md): the database is the queue, `chancery worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
JOB_ATTEMPTS = max(1, int(env("CHANCERY_JOB_ATTEMPTS")))
JOB_LEASE = max(1.0, float(env("CHANCERY_JOB_LEASE")))
WORKER_NICE = min(19, max(0, int(env("CHANCERY_WORKER_NICE"))))
OCR_ENABLED = env_flag("CHANCERY_OCR")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # hashed names, compressed once by collectstatic (chancery serve runs it): far-future
    "staticfiles": {"BACKEND": "chancery.web.staticfiles.StaticStorage"},
}
# Until collectstatic has run, serve straight from the apps' static folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SEARCH_BACKENDS = {
    "fts5": "chancery.search.backends.sqlite_fts5.SQLiteFTS5Backend",
    "postgres": "chancery.search.backends.postgres.PostgresBackend",
    "tantivy": "chancery.search.backends.tantivy.TantivyBackend",
}
# Embedded default: Tantivy (fast at every size; docs/decisions/0005-tantivy-default.md).
SEARCH_BACKEND = env("CHANCERY_SEARCH_BACKEND") or (
    "postgres" if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else "tantivy"
)
SEARCH_BACKEND = SEARCH_BACKENDS.get(SEARCH_BACKEND, SEARCH_BACKEND)
SEARCH_INDEX_DIR = Path(
    env("CHANCERY_SEARCH_INDEX").replace("$CHANCERY_HOME", str(CHANCERY_HOME))
).resolve()
SEARCH_TIMEOUT = float(env("CHANCERY_SEARCH_TIMEOUT") or 0)
EXPORT_MAX_RECORDS = int(env("CHANCERY_EXPORT_MAX_RECORDS") or 100_000)
PAGE_CACHE_BYTES = int(float(env("CHANCERY_PAGE_CACHE_MB") or 0) * 1024 * 1024)
OAI_NAMESPACE = env("CHANCERY_OAI_NAMESPACE")
OAI_ADMIN_EMAIL = env("CHANCERY_ADMIN_EMAIL")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# HTTPS: on in the documented production configuration (deploy/chancery.service).
SECURE_SSL_REDIRECT = env_flag("CHANCERY_SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(env("CHANCERY_SECURE_HSTS_SECONDS") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_flag("CHANCERY_SECURE_COOKIES")

# Content-Security-Policy (django-csp) on every response: scripts and styles only from our
# own files, nothing inline (stored HTML is sanitised too; this is the second wall).
# JSON-LD <script type="application/ld+json"> is a data block, never run: CSP ignores it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # and the hash of "": an empty <style>, the marker that keeps OpenSeadragon from
        # adding its own inline one (chancery/iiif/static/iiif/viewer.js)
        "style-src": [SELF, "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"],
        "img-src": [SELF],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling (django-axes): N failures for one user name from one client address
# lock that pair out for the cool-off; a success clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("CHANCERY_LOGIN_FAILURE_LIMIT"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("CHANCERY_LOGIN_LOCKOUT_MINUTES")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "chancery.web.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "chancery.web.lockout.client_address"
TRUSTED_PROXIES = {a.strip() for a in env("CHANCERY_TRUSTED_PROXIES").split(",") if a.strip()}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
LOGIN_URL = "admin:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
