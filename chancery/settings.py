"""Settings, all from the environment with safe defaults.

Every setting Chancery reads is listed in ``ENVIRONMENT`` (name, default, help) so the
docs can be checked against it; nothing requires an untracked local settings file.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent

#: name -> (default, help). docs/configuration.md documents each; a test keeps them in step.
ENVIRONMENT = {
    "CHANCERY_HOME": ("./var", "Folder for the SQLite database, media files and the secret key."),
    "CHANCERY_DATABASE_URL": (
        "sqlite:///$CHANCERY_HOME/chancery.sqlite3",
        "Database URL (sqlite:///… or postgresql://…).",
    ),
    "CHANCERY_SECRET_KEY": (
        "generated once into $CHANCERY_HOME/secret_key",
        "Django's secret key; set it in production.",
    ),
    "CHANCERY_DEBUG": ("off", "Django debug mode; only 'on', 'true' or '1' turn it on."),
    "CHANCERY_ALLOWED_HOSTS": ("localhost,127.0.0.1,[::1]", "Comma-separated host names served."),
    "CHANCERY_SITE_NAME": ("Chancery Digital Archive", "Name shown in the header and citations."),
    "CHANCERY_SEARCH_BACKEND": (
        "",
        "Search engine: `fts5`, `postgres`, `tantivy` or a class's dotted path; "
        "empty: chosen from the database engine.",
    ),
    "CHANCERY_SEARCH_INDEX": (
        "$CHANCERY_HOME/search-index",
        "Folder of the Tantivy engine's index (derived from the database; rebuildable).",
    ),
    "CHANCERY_SEARCH_TIMEOUT": (
        "5",
        "Seconds a search may run before it is stopped and answered 503; 0: no limit.",
    ),
    "CHANCERY_REPLICA_URLS": ("", "Comma-separated PostgreSQL URLs of read replicas."),
    "CHANCERY_CSRF_TRUSTED_ORIGINS": ("", "Comma-separated origins trusted for CSRF (https://…)."),
    "CHANCERY_OAI_NAMESPACE": (
        "archive.example.org",
        "Domain in OAI-PMH identifiers (oai:<domain>:<id>); set it once, keep it stable.",
    ),
    "CHANCERY_ADMIN_EMAIL": ("archivist@example.org", "Contact address OAI-PMH Identify gives."),
    "PORT": ("8000", "Port for `chancery serve` and `make run`."),
}


def env(name: str) -> str:
    """The environment value of ``name`` or its documented default."""
    return os.environ.get(name, ENVIRONMENT[name][0])


def env_flag(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "on", "yes"}


CHANCERY_HOME = Path(env("CHANCERY_HOME")).resolve()
CHANCERY_HOME.mkdir(parents=True, exist_ok=True)
SITE_NAME = env("CHANCERY_SITE_NAME")


def _secret_key() -> str:
    if os.environ.get("CHANCERY_SECRET_KEY"):
        return os.environ["CHANCERY_SECRET_KEY"]
    key_file = CHANCERY_HOME / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chancery.db_router.ReplicaMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "chancery.search.budget.SearchTimeoutMiddleware",
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


def _database(url: str) -> dict:
    url = url.replace("$CHANCERY_HOME", str(CHANCERY_HOME))
    # Persistent connections, checked before reuse in each request (docs/postgresql.md).
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers (the public site) run while an import writes.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                "PRAGMA foreign_keys=ON;"
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SEARCH_BACKENDS = {
    "fts5": "chancery.search.backends.sqlite_fts5.SQLiteFTS5Backend",
    "postgres": "chancery.search.backends.postgres.PostgresBackend",
    "tantivy": "chancery.search.backends.tantivy.TantivyBackend",
}
SEARCH_BACKEND = env("CHANCERY_SEARCH_BACKEND") or (
    "postgres" if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else "fts5"
)
SEARCH_BACKEND = SEARCH_BACKENDS.get(SEARCH_BACKEND, SEARCH_BACKEND)
SEARCH_INDEX_DIR = Path(
    env("CHANCERY_SEARCH_INDEX").replace("$CHANCERY_HOME", str(CHANCERY_HOME))
).resolve()
SEARCH_TIMEOUT = float(env("CHANCERY_SEARCH_TIMEOUT") or 0)
OAI_NAMESPACE = env("CHANCERY_OAI_NAMESPACE")
OAI_ADMIN_EMAIL = env("CHANCERY_ADMIN_EMAIL")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
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
