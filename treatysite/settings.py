"""Settings for treatysite, read from the environment (12-factor).

DATABASE_URL  default sqlite:///db.sqlite3; postgres://… uses psycopg 3 with Django's native pool.
REDIS_URL     optional; when set, the shared cache is Redis (RedisCache that degrades to no cache).
SECRET_KEY    required when DEBUG is off.
DEBUG         "1"/"true" to enable; off by default.
ALLOWED_HOSTS comma-separated; defaults to localhost names when DEBUG is on.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a per-checkout key, never used in production.
    SECRET_KEY = "dev-insecure-" + str(BASE_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must precede django.contrib.admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "csp",
    "articles.axes_labels.AxesConfig",  # django-axes, with Chinese names (see the module)
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Hostile URLs (NUL, control characters) end here as 404/400, before any view or query.
    "articles.request_guard.HostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached anonymous article pages are answered here, before sessions and logins.
    "articles.serving.middleware.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "articles.scripts.VariantMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A database that cannot be reached answers 503 + Retry-After (views; handler500 covers the rest).
    "articles.errors.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins from a locked-out user/address before checking passwords.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "treatysite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.scripts_context",
            ],
        },
    },
]

WSGI_APPLICATION = "treatysite.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's native psycopg 3 pool (Django ≥ 5.1); conn_max_age must stay 0 with it. With
    # CONN_HEALTH_CHECKS the pool checks each connection before handing it out (psycopg_pool's
    # check_connection, one round trip), so connections that died with a database restart are
    # replaced instead of failing the next requests with a 500.
    # A request waits at most DATABASE_POOL_TIMEOUT seconds for a connection (psycopg_pool's
    # default is 30): with the database down, readers get the 503 page quickly. The pool keeps
    # one idle connection (a sync worker serves one request at a time) and grows to four:
    # psycopg_pool backs off 1 s, 2 s, 4 s… between connections that fail their check, so after a
    # restart four dead idle connections cost the next request ~7 s, one costs ~1 s (measured).
    if env_bool("DATABASE_POOL", True):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "4")),
            "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "5")),
        }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# XML without control characters, for backups (articles/serializers/xml_clean.py).
SERIALIZATION_MODULES = {"xml_clean": "articles.serializers.xml_clean"}
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6.0's default, opted into now

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "articles.serving.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "treatysite"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Two scripts of one language. zh-hans is the default; modeltranslation stores
# every translated field as <field>_zh_hans and <field>_zh_hant. The regional variants (zh-cn,
# zh-tw, zh-hk: articles/variants.py) are not Django languages: a /zh-tw/ page activates its
# script (zh-hant, through Django's LANG_INFO fall-backs), so zh-TW/zh-HK read the zh_Hant
# catalogue and zh-CN the zh_Hans one; articles.scripts keeps the variant beside it.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("简体中文")),
    ("zh-hant", _("繁體中文")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "zh-hant")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("zh-hans",), "zh-hans": ("zh-hant",), "zh-hant": ("zh-hans",)}

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded images (articles/images/): stored through STORAGES["default"] only, so an S3-compatible
# backend (django-storages) is a settings change — see README, "Images and media".
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
# Django serves MEDIA_URL itself in development; in production the reverse proxy does.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(20 * 1024 * 1024)))
# Decoded size limit against decompression bombs (40 megapixels ≈ 7700×5200).
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", "40000000"))
# Seconds a bulk upload may spend processing files, well inside gunicorn's 30 s worker timeout:
# the files left when it runs out are listed for the editor to send again (issue 26).
IMAGE_UPLOAD_BUDGET_SECONDS = float(os.environ.get("IMAGE_UPLOAD_BUDGET_SECONDS", "20"))
# Where fetch_media downloads missing image files from; {name} is the image name, URL-quoted.
MEDIA_FETCH_URL = os.environ.get("MEDIA_FETCH_URL", "https://commons.wikimedia.org/wiki/Special:FilePath/{name}")

# Production hardening; all on unless DEBUG.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "admin:login"

# Content Security Policy (django-csp 4): scripts only from this site — no inline script, so
# content can never run any. Inline style attributes are allowed because the Django admin uses
# them; styles cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"] + ([MEDIA_URL] if MEDIA_URL.startswith("https://") else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login rate limiting (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name
# from one address, that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind a reverse proxy, set AXES_IPWARE_META_PRECEDENCE_ORDER to the header it sets.
if os.environ.get("AXES_IP_HEADER"):
    AXES_IPWARE_META_PRECEDENCE_ORDER = [os.environ["AXES_IP_HEADER"], "REMOTE_ADDR"]

# Editors may paste long articles (bodies are limited to 200,000 characters each by the models);
# anything larger than this is refused before it reaches a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(20 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# modeltranslation's tabbed admin needs jQuery UI; serve our vendored copy (1.13.3, MIT)
# instead of its default CDN URL, so the admin works offline and under a strict CSP.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# Seconds a rendered article page stays cached for anonymous readers; 0 turns the cache off.
# Edits invalidate exactly the pages they show on and a deploy changes every key, so the lifetime
# only bounds what no signal sees (a day; the mixed workload's tail needs more than 10 minutes).
ARTICLE_CACHE_SECONDS = int(os.environ.get("ARTICLE_CACHE_SECONDS", "86400"))
# Pages each worker keeps in memory, exact through Redis' invalidation messages
# (articles/serving/near_cache.py); 0 asks Redis on every hit.
NEAR_CACHE_PAGES = int(os.environ.get("NEAR_CACHE_PAGES", "2000"))
# Readers' article pages rendered once per script and kept in the database, so a page-cache miss
# neither parses Markdown nor converts script (articles/serving/renderings.py); 0 to compare.
STORED_RENDERINGS = env_bool("STORED_RENDERINGS", True)
# After an edit to a named glossary, its articles' stored renderings are re-rendered: in a
# background thread ("background"), in the committing thread ("inline"), or on readers' misses
# ("off"). The pages themselves are purged on commit in every case.
GLOSSARY_RERENDER = os.environ.get("GLOSSARY_RERENDER", "background")
# Reverse proxies to purge when a page changes (comma-separated base URLs, e.g. Varnish's
# http://127.0.0.1:6081; deploy/varnish.vcl).
PROXY_PURGE_URLS = env_list("PROXY_PURGE_URLS")
# s-maxage for shared caches in front: as long as the page cache when they are purged, otherwise
# 10 minutes (a CDN nobody purges shows an edit that late).
PROXY_CACHE_SECONDS = int(os.environ.get("PROXY_CACHE_SECONDS", str(ARTICLE_CACHE_SECONDS if PROXY_PURGE_URLS else 600)))
# The site's own absolute URL (scheme and host, no trailing slash) for canonical and hreflang links.
# Without it they follow the request, which is fine in development but lets one request with a
# forged Host or X-Forwarded-Proto header poison pages cached for everyone.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# The script for readers whose cookie and Accept-Language say nothing (zh-hans or zh-hant).
DEFAULT_SCRIPT = os.environ.get("DEFAULT_SCRIPT", "zh-hans")
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
