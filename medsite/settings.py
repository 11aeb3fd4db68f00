"""MedSite settings: one module, configured from the environment.

Local defaults are safe for development (SQLite file in the project, debug on). Production is
switched on with ``DJANGO_DEBUG=0``, which then requires ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
Bad values raise ``ImproperlyConfigured`` at start-up rather than misbehaving later.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1 (got {raw!r}).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r}).") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum} (got {raw!r}).")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Path segments of unreserved URL characters, each ending with "/": "admin/", "staff/cms/".
_ADMIN_URL_RE = re.compile(r"(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)+")


def env_admin_url(name: str, default: str) -> str:
    """Where the admin lives, as a path relative to the site root: ``admin/`` or ``staff/cms/``."""
    raw = os.environ.get(name)
    value = default if raw is None or raw.strip() == "" else raw.strip()
    if not _ADMIN_URL_RE.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must be a path such as admin/ or staff/cms/: letters, digits, '-', '_', '.' "
            f"and '~', ending with '/' and not starting with one (got {raw!r})."
        )
    return value


def env_cache(name: str, default: str) -> dict:
    """A cache from a URL: ``locmem://`` (this process's memory) or ``redis://``/``rediss://``."""
    raw = (os.environ.get(name) or "").strip() or default
    try:
        parts = urlsplit(raw)
        is_redis = parts.scheme in ("redis", "rediss") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # unbalanced brackets, or a port that is not a number
        parts, is_redis = None, False
    if parts is not None and parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc}
    if is_redis:
        # Several sites may share one Redis. A failing or hung one costs a request one short
        # timeout at most, then none for CACHE_RETRY_SECONDS (medsite/cachesafe.py): pages are
        # rendered without the cache meanwhile.
        timeout = env_int("CACHE_TIMEOUT_MS", 250, minimum=1) / 1000
        return {
            "BACKEND": "medsite.cachesafe.SafeRedisCache",
            "LOCATION": raw,
            "KEY_PREFIX": "medsite",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
            "RETRY_SECONDS": env_int("CACHE_RETRY_SECONDS", 10, minimum=1),
        }
    raise ImproperlyConfigured(
        f"{name} must be locmem:// or a Redis URL such as redis://localhost:6379/0 (got {raw!r})."
    )


_S3 = ("MEDSITE_S3_BUCKET", "MEDSITE_S3_REGION", "MEDSITE_S3_ENDPOINT_URL", "MEDSITE_S3_PUBLIC_URL")


def env_image_store(debug: bool) -> tuple[dict, str | None]:
    """The "default" storage (image files) and the origin readers fetch them from (None: this site).

    Local files under MEDIA_ROOT unless ``MEDSITE_S3_BUCKET`` names an S3-compatible bucket
    (medsite/storage.py), which then needs a region or an endpoint, and the public base URL its
    files are read from (a CDN, or the bucket's own address): published pages keep these
    addresses, so they are plain, unsigned and stable. Credentials come from AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, or from the machine's role when neither is set.
    """
    values = {name: (os.environ.get(name) or "").strip() for name in _S3}
    bucket, region, endpoint, public = values.values()
    if not bucket:
        if others := [name for name in _S3 if values[name]]:
            raise ImproperlyConfigured(
                f"{', '.join(others)} set without MEDSITE_S3_BUCKET: set both, or neither."
            )
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}, None
    if not (region or endpoint):
        raise ImproperlyConfigured(
            "MEDSITE_S3_BUCKET needs MEDSITE_S3_REGION (AWS, e.g. eu-west-1) or MEDSITE_S3_ENDPOINT_URL "
            "(another S3-compatible store, e.g. https://s3.example.net)."
        )
    keys = [
        bool((os.environ.get(name) or "").strip()) for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    ]
    if keys[0] != keys[1]:
        raise ImproperlyConfigured(
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together: set both, or neither "
            "(the machine's role)."
        )
    options: dict = {"bucket_name": bucket}
    if region:
        options["region_name"] = region
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImproperlyConfigured(
                f"MEDSITE_S3_ENDPOINT_URL must be an http(s) address (got {endpoint!r})."
            )
        # Path-style addresses (endpoint/bucket/name): what every S3-compatible store understands.
        options.update(endpoint_url=endpoint, addressing_style="path")
    parts = urlsplit(public)
    wanted = ("https",) if not debug else ("http", "https")
    if parts.scheme not in wanted or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            "MEDSITE_S3_PUBLIC_URL must be the https address readers fetch the bucket's files from, e.g. "
            f"https://images.example.org or https://{bucket}.s3.eu-west-1.amazonaws.com (got {public!r})."
        )
    # django-storages writes "<url_protocol>//<custom_domain>/<name>".
    options.update(url_protocol=f"{parts.scheme}:", custom_domain=f"{parts.netloc}{parts.path.rstrip('/')}")
    return {"BACKEND": "medsite.storage.ImageStore", "OPTIONS": options}, f"{parts.scheme}://{parts.netloc}"


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = "insecure-local-development-key-not-for-production"  # noqa: S105
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list this site's host names when DJANGO_DEBUG=0.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "reversion",
    "markdownx",
    "csp",
    # Failed admin logins and lockouts, in the database every app server shares.
    "axes",
    "medsite.audit",
    "medsite.accounts",
    # Word counts, reading grade, long sentences and plainer words for editors (advice only).
    "medsite.contentchecks",
    # Retired cache keys and queued purges (medsite/frontcache/).
    "medsite.frontcache",
    "references",
    # The image library: illustrations pages show, reviewed with them (images/).
    "images",
    "conditions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control, Vary and br/gzip of the final response, cached, 304 or not (medsite/delivery.py).
    "medsite.delivery.DeliveryMiddleware",
    # /api/ answers JSON whatever happens (404, 405, 500), with CORS headers, outside the caching
    # below so a cached or 304 answer gets them too.
    "conditions.public.middleware.ApiMiddleware",
    # Outside the page cache, so a page served from it gets its policy from this response, and a
    # stored page never carries a header (or a nonce) made for another one.
    "csp.middleware.CSPMiddleware",
    # 304 Not Modified from the ETag / Last-Modified of the final response, cached or not
    # (conditions/public/caching.py sets them on the public pages).
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous readers' public pages from the shared cache, before the session and CSRF work a
    # cached page does not need.
    "conditions.public.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A posted form that is not UTF-8 is refused before anything reads it as mangled text.
    "medsite.middleware.Utf8FormMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person's own time zone for the request (medsite/accounts/timezones.py).
    "medsite.accounts.timezones.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that needed the database while it is down answers 503 with Retry-After (JSON under
    # /api/), not a 500 (medsite/middleware.py).
    "medsite.middleware.DatabaseUnavailableMiddleware",
    # Old addresses of renamed condition pages redirect (301) to the new ones.
    "conditions.public.middleware.RenamedConditionMiddleware",
    # Last, as axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "medsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # CSP_NONCE, for the nonce attribute of any inline <script> a template needs.
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "medsite.wsgi.application"


def _database() -> dj_database_url.DBConfig:
    url = os.environ.get("DATABASE_URL", "").strip()
    max_age = env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60)
    if not url:
        url = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=max_age, conn_health_checks=max_age > 0)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL this site understands: {exc}"
        ) from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        # WAL lets readers carry on while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif engine != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at SQLite or PostgreSQL.")
    return config


DATABASES = {"default": _database()}

# One cache for the whole site. Local memory by default; with several processes or servers, Redis
# (see README, "Running in production"), which every app server then shares.
CACHES = {"default": env_cache("CACHE_URL", "locmem://")}
# How long a rendered public page is kept for anonymous readers (conditions/public/caching.py). Each
# public change retires the pages it affects, through the database every server asks, so this only
# bounds how long a new release's template changes take to show. Off in debug, where templates are
# being edited; 0 turns it off.
MEDSITE_PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 600)
# What public answers tell browsers and shared caches (medsite/delivery.py, and README,
# "A cache or CDN in front"): browsers ask before each use (0) so a withdrawn page goes at once;
# a shared cache may keep an answer SHARED_CACHE_SECONDS only if MEDSITE purges it on each change,
# so 0 (check each use) unless a purge backend is configured.
MEDSITE_BROWSER_CACHE_SECONDS = env_int("BROWSER_CACHE_SECONDS", 0, minimum=0)
MEDSITE_SHARED_CACHE_SECONDS = env_int("SHARED_CACHE_SECONDS", 0, minimum=0)
MEDSITE_STALE_WHILE_REVALIDATE = env_int("STALE_WHILE_REVALIDATE", 30, minimum=0)
# The cache in front of the app servers that public changes purge (medsite/frontcache/backends.py):
# none, varnish (BAN/PURGE to each of PURGE_VARNISH_URLS), cloudflare (its purge_cache API) or
# cloudfront (CreateInvalidation, signed with the access key).
MEDSITE_PURGE_BACKEND = os.environ.get("PURGE_BACKEND", "none").strip() or "none"
MEDSITE_PURGE_VARNISH_URLS = env_list("PURGE_VARNISH_URLS", [])
MEDSITE_PURGE_CLOUDFLARE_API = os.environ.get("PURGE_CLOUDFLARE_API", "https://api.cloudflare.com/client/v4")
MEDSITE_PURGE_CLOUDFLARE_ZONE = os.environ.get("PURGE_CLOUDFLARE_ZONE", "")
MEDSITE_PURGE_CLOUDFLARE_TOKEN = os.environ.get("PURGE_CLOUDFLARE_TOKEN", "")
MEDSITE_PURGE_CLOUDFRONT_API = os.environ.get("PURGE_CLOUDFRONT_API", "https://cloudfront.amazonaws.com")
MEDSITE_PURGE_CLOUDFRONT_DISTRIBUTION = os.environ.get("PURGE_CLOUDFRONT_DISTRIBUTION", "")
MEDSITE_PURGE_CLOUDFRONT_ACCESS_KEY = os.environ.get("PURGE_CLOUDFRONT_ACCESS_KEY", "")
MEDSITE_PURGE_CLOUDFRONT_SECRET_KEY = os.environ.get("PURGE_CLOUDFRONT_SECRET_KEY", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# The admin's one date and time format ("7 Dec 2026, 14:05 CET"): medsite/formats/en/formats.py.
# TIME_ZONE is the default for people who have not chosen their own (medsite/accounts/).
FORMAT_MODULE_PATH = ["medsite.formats"]

STATIC_URL = "/static/"
# collectstatic writes here; a test serving the production set-up points it at a temporary folder.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Image files (images/renditions.py): local files under MEDIA_ROOT, or an S3-compatible bucket
# every app server shares (MEDSITE_S3_*; docs/operators.md, "Image storage").
MEDSITE_IMAGE_STORE, MEDSITE_IMAGE_ORIGIN = env_image_store(DEBUG)
STORAGES = {
    "default": MEDSITE_IMAGE_STORE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# WhiteNoise serves the content-hashed names with a ten-year, immutable max-age by itself; its
# WHITENOISE_MAX_AGE (60 s by default) then applies only to names without a hash.
# Where local image files are written (the benchmarks point it into their own folder).
MEDIA_ROOT = Path(os.environ.get("MEDSITE_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
# What one uploaded image may be (images/processing.py): bytes, checked before anything decodes
# it; pixels and the longer side, read from its header before its pixels are decoded.
MEDSITE_IMAGE_MAX_BYTES = env_int("MEDSITE_IMAGE_MAX_BYTES", 15_000_000, minimum=1)
MEDSITE_IMAGE_MAX_PIXELS = env_int("MEDSITE_IMAGE_MAX_PIXELS", 40_000_000, minimum=1)
MEDSITE_IMAGE_MAX_SIDE = env_int("MEDSITE_IMAGE_MAX_SIDE", 12_000, minimum=1)

LOGIN_URL = "admin:login"
# The admin's address (and the review dashboard's, under it): a non-default one keeps drive-by
# scanners of /admin/ off the login form. Relative to the site root, ending with "/".
MEDSITE_ADMIN_URL = env_admin_url("MEDSITE_ADMIN_URL", "admin/")

# Login throttling (django-axes): after MEDSITE_LOGIN_FAILURE_LIMIT failed logins from one client
# address, logins from it are refused, even with the right password, until
# MEDSITE_LOGIN_COOLOFF_MINUTES have passed without another failure. By address, not by account,
# so one client cannot try a common password against every account; and a stranger elsewhere
# cannot lock an editor out. The axes backend goes first: it refuses a locked-out client before
# any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("MEDSITE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MEDSITE_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# Failures and lockouts are still logged; this only drops a banner from every command's start.
AXES_VERBOSE = False
# How many reverse proxies in front of the site append the client's address to X-Forwarded-For.
# 0 (no proxy): the connection's own address, so a client cannot escape a lockout by sending the
# header itself. See medsite/security.py.
MEDSITE_PROXY_COUNT = env_int("MEDSITE_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "medsite.security.client_ip"

# Editor: markdownx's widget talks to our own permission-checked endpoints (see conditions/public/views.py),
# and its preview uses the same renderer as publication.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "medsite.markdown.markdownify"
MARKDOWNX_URLS_PATH = "/editor/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/editor/upload/"
MARKDOWNX_SERVER_CALL_LATENCY = 400

# Security. Production (DEBUG off) gets HTTPS-only cookies, HSTS and an HTTPS redirect that a
# plain-HTTP loopback run (benchmarks) can switch off with DJANGO_SECURE_SSL_REDIRECT=0.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer probes the health check over plain HTTP: answer it, do not redirect it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# (No CSRF_COOKIE_HTTPONLY: it would protect nothing a script could not read from the form's token.)

# Content-Security-Policy on every page, public and admin: scripts only from this site's own
# files (or an inline <script> carrying this response's nonce; no template has one today, and the
# JSON-LD data blocks are not run, so CSP does not apply to them), no inline styles or style
# attributes, no plugins, no framing, forms posting only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # The image store's origin too, when images are served from a bucket or CDN.
        "img-src": [SELF, *([MEDSITE_IMAGE_ORIGIN] if MEDSITE_IMAGE_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MedSite <medsite@localhost>")
# Workflow email (submitted, changes requested, published); 0 turns it off.
MEDSITE_NOTIFICATIONS = env_bool("MEDSITE_NOTIFICATIONS", True)
# Where links in email point: the site's public origin, without a trailing slash.
MEDSITE_BASE_URL = os.environ.get("MEDSITE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Look-up of a reference by DOI (Crossref) or PMID (NCBI E-utilities), and the retraction check
# (references/lookup.py, references/retractions.py): the services' base URLs, how long one request
# may wait (seconds) and the address the services may write to about our requests (their "polite"
# pools ask for one; empty sends none).
CROSSREF_API_URL = os.environ.get("CROSSREF_API_URL", "https://api.crossref.org").rstrip("/")
EUTILS_API_URL = os.environ.get("EUTILS_API_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils").rstrip("/")
REFERENCE_LOOKUP_TIMEOUT = env_int("REFERENCE_LOOKUP_TIMEOUT", 10, minimum=1)
REFERENCE_LOOKUP_MAILTO = os.environ.get("REFERENCE_LOOKUP_MAILTO", "").strip()

# The named account that command-line writes (imports, scheduled publishing) are recorded under.
MEDSITE_SYSTEM_USERNAME = "medsite-system"
MEDSITE_SITE_NAME = os.environ.get("MEDSITE_SITE_NAME", "MedSite")
# Who publishes the pages and on what terms, as their structured data states it: the publisher
# (the site's name unless set), the content licence's URL (none stated while empty) and the
# copyright holder (the publisher unless set).
MEDSITE_PUBLISHER_NAME = os.environ.get("MEDSITE_PUBLISHER_NAME", "").strip() or MEDSITE_SITE_NAME
MEDSITE_CONTENT_LICENSE = os.environ.get("MEDSITE_CONTENT_LICENSE", "").strip()
MEDSITE_COPYRIGHT_HOLDER = os.environ.get("MEDSITE_COPYRIGHT_HOLDER", "").strip() or MEDSITE_PUBLISHER_NAME
# What the API asks reusers to credit, stated with every page it serves next to the licence.
MEDSITE_API_ATTRIBUTION = (
    os.environ.get("MEDSITE_API_ATTRIBUTION", "").strip() or f"Content from {MEDSITE_PUBLISHER_NAME}"
)
# Origins whose browser scripts may read the read-only API (CORS), comma-separated; "*" is any.
MEDSITE_API_CORS_ORIGINS = env_list("MEDSITE_API_CORS_ORIGINS", ["*"])

# Everything to stderr (the service manager collects it), in debug and production alike. Django's
# own "django" logger is replaced: its default handlers print nothing when DEBUG is off, and a
# 500 must always reach the log with its traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # A 500 whose error page failed too is logged with the first failure's traceback (medsite/errorlog.py).
    "filters": {"traceback": {"()": "medsite.errorlog.TracebackFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["traceback"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
