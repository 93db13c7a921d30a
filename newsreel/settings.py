"""Newsreel settings, read from the environment (see README: Configuration).

Defaults suit a laptop: SQLite and media under var/, a generated secret key, e-mail to the console.
`NEWSREEL_ENV=production` turns on the strict checks: an explicit secret key and allowed hosts are required.
Read top to bottom, each name is set once, and reading the file writes nothing: the folders and the laptop's
secret key are made at a process's start (newsreel.env.prepare_local_files) or by the code that writes there.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

from newsreel.env import (
    ConfigError,
    cache_from_url,
    email_from_url,
    env_bool,
    env_colour,
    env_footer_links,
    env_int,
    env_list,
    env_origin,
    env_origins,
    env_path,
    env_str,
    file_storage,
    production_secret_key,
    stored_secret_key,
)
from newsreel.queues import QUEUES

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = env_path("NEWSREEL_VAR_DIR", PROJECT_DIR / "var")

PRODUCTION = env_str("NEWSREEL_ENV", "development") == "production"
DEBUG = env_bool("NEWSREEL_DEBUG", False)

# On a laptop without NEWSREEL_SECRET_KEY, the key generated on the first start is kept in this file.
NEWSREEL_SECRET_KEY_FILE = None if PRODUCTION or env_str("NEWSREEL_SECRET_KEY") else VAR_DIR / "secret_key"
SECRET_KEY = (production_secret_key("NEWSREEL_SECRET_KEY") if PRODUCTION
              else env_str("NEWSREEL_SECRET_KEY") or stored_secret_key(VAR_DIR / "secret_key"))
_hosts = env_list("NEWSREEL_ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"])
if PRODUCTION and not _hosts:
    raise ConfigError("NEWSREEL_ALLOWED_HOSTS must list the site's host names in production")
if PRODUCTION and DEBUG:
    raise ConfigError("NEWSREEL_DEBUG must be off in production")

SITE_URL = env_str("NEWSREEL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Previews (video, audio, pictures) from a separate origin without the portal's cookies, e.g.
# https://media.example-cdn.org: whatever a file is, it cannot run on the portal's origin or see a session.
# Empty: previews come from the portal itself (still only with the fixed inline types). See deploy/README.md.
NEWSREEL_MEDIA_ORIGIN = env_origin("NEWSREEL_MEDIA_ORIGIN")
NEWSREEL_MEDIA_HOST = urlsplit(NEWSREEL_MEDIA_ORIGIN).hostname or ""
ALLOWED_HOSTS = [*_hosts, NEWSREEL_MEDIA_HOST] if NEWSREEL_MEDIA_HOST and NEWSREEL_MEDIA_HOST not in _hosts \
    else _hosts
SITE_NAME = env_str("NEWSREEL_SITE_NAME", "Newsreel")
# The institution's identity; editors may override each part in the back office (Portal → Site identity).
NEWSREEL_SITE_NAME_FR = env_str("NEWSREEL_SITE_NAME_FR", SITE_NAME)
NEWSREEL_SHORT_NAME = env_str("NEWSREEL_SHORT_NAME", SITE_NAME)
NEWSREEL_BRAND_COLOUR = env_colour("NEWSREEL_BRAND_COLOUR", "#0b4f9c")
NEWSREEL_FOOTER_LINKS = env_footer_links("NEWSREEL_FOOTER_LINKS")
NEWSREEL_LOGO_MAX_BYTES = env_int("NEWSREEL_LOGO_MAX_BYTES", 512 * 1024)
CSRF_TRUSTED_ORIGINS = env_list("NEWSREEL_CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "newsreel.front",
    "newsreel.catalogue",
    "newsreel.news",
    "newsreel.captions",
    "newsreel.ingest",
    "newsreel.newsletter",
    "newsreel.search",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "newsreel.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # Only for its French (and other) catalogues of zxcvbn's messages; the portal's own catalogue, listed
    # earlier, wins where it words a message differently.
    "django_zxcvbn_password_validator",
    "newsreel.downloads",
    "newsreel.webhooks",
    "newsreel.api",
    "ninja",  # for the API docs' own static files (Swagger UI): no CDN under the CSP
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsreel.front.media_origin.MediaOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsreel.lib.inputs.CleanInputMiddleware",
    "newsreel.front.pagecache.TextGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before sessions and users: a cached page costs none of them (docs/performance.md).
    "newsreel.front.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "newsreel.accounts.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "newsreel.urls"
WSGI_APPLICATION = "newsreel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsreel.front.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsreel.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("NEWSREEL_DB_CONN_MAX_AGE", 60))
_sqlite = {
    # Kept open per thread (docs/performance.md): opening one costs the PRAGMAs below and a cold page cache,
    # and under 32 clients the opens themselves queued on the database file's locks.
    "CONN_HEALTH_CHECKS": True,
    "OPTIONS": {
        # WAL lets readers and the worker go on while one writer commits; FULL keeps commits durable;
        # IMMEDIATE takes the write lock at BEGIN so concurrent writers queue instead of failing mid-way.
        # A 64 MiB page cache, the file mapped (reads without a copy through the VFS) and temporary b-trees
        # (ORDER BY / GROUP BY over broad searches) in memory: search reads far more pages than the 2 MiB default.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                        "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824; PRAGMA temp_store=MEMORY;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    },
    "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
}
DATABASES = {"default": {**_db, **_sqlite} if _db["ENGINE"] == "django.db.backends.sqlite3" else _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks (Django Tasks API, stored in the database) -----------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("NEWSREEL_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": QUEUES,  # newsreel/queues.py: which worker runs which
    }
}

# --- Internationalisation --------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("NEWSREEL_TIME_ZONE", "Europe/Brussels")

# --- Static and media files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Collected (`newsreel collectstatic`, which `newsreel serve` runs first) under hashed names, compressed ahead of
# time, and served by WhiteNoise with a year's immutable caching; NEWSREEL_DEBUG serves the sources as they change.
STATIC_ROOT = env_path("NEWSREEL_STATIC_ROOT", VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env_path("NEWSREEL_MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "/media-files/"
# Every stored file (masters, renditions, storyboards, clips) goes through the default storage: local disk under
# MEDIA_ROOT, or an S3-compatible object store with NEWSREEL_STORAGE=s3 (docs/storage.md). With a store,
# MEDIA_ROOT keeps only this host's scratch (the uploads' spool, processing's staging).
STORAGES = {
    "default": file_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Local copies of stored files for the engine, when they live in an object store: bounded, least recently used
# first out, one folder per host (lib/filecache.py).
NEWSREEL_LOCAL_CACHE_DIR = env_path("NEWSREEL_LOCAL_CACHE_DIR", VAR_DIR / "file-cache")
NEWSREEL_LOCAL_CACHE_BYTES = env_int("NEWSREEL_LOCAL_CACHE_BYTES", 20 * 1024**3)
# How long a signed URL to the object store lets its holder start (and resume) a download.
NEWSREEL_SIGNED_URL_SECONDS = env_int("NEWSREEL_SIGNED_URL_SECONDS", 300)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- E-mail ----------------------------------------------------------------------------------------------
_email = email_from_url(env_str("NEWSREEL_EMAIL_URL", "console://"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = bool(_email["EMAIL_USE_TLS"])
EMAIL_USE_SSL = bool(_email["EMAIL_USE_SSL"])
EMAIL_TIMEOUT = env_int("NEWSREEL_EMAIL_TIMEOUT", 30)
if _email.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env_str("NEWSREEL_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security --------------------------------------------------------------------------------------------
# Read from the shared cache on each signed-in request; written through to the database, which stays the record
# (allauth's list of a user's sessions, signing out everywhere).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("NEWSREEL_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("NEWSREEL_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

_MEDIA_SOURCES = [NEWSREEL_MEDIA_ORIGIN] if NEWSREEL_MEDIA_ORIGIN else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *_MEDIA_SOURCES],
        "media-src": ["'self'", "blob:", *_MEDIA_SOURCES],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Sites that may show the embeddable player (/<lang>/media/<reference>/embed/) in a frame, e.g.
# "https://www.example.org,https://news.example.com", or "*" for any site. The portal itself always may; every
# other page refuses to be framed. See docs/embeds.md.
NEWSREEL_EMBED_ORIGINS = env_origins("NEWSREEL_EMBED_ORIGINS")

# Anonymous public pages: kept this long at most in the portal's cache (a publish clears them at once), and
# this long in a CDN or nginx in front (docs/performance.md). 0 turns the portal's page cache off.
NEWSREEL_PAGE_CACHE_SECONDS = env_int("NEWSREEL_PAGE_CACHE_SECONDS", 300)
NEWSREEL_PAGE_MAX_AGE = env_int("NEWSREEL_PAGE_MAX_AGE", 60)

# Limits on what a single request may cost.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
NEWSREEL_PAGE_SIZE = env_int("NEWSREEL_PAGE_SIZE", 24)
NEWSREEL_MAX_PAGE = env_int("NEWSREEL_MAX_PAGE", 1000)
# Search ranks and counts facets over at most this many of the most recent matches (exact below it; "N+" above).
NEWSREEL_SEARCH_WINDOW = env_int("NEWSREEL_SEARCH_WINDOW", 1000)

# --- API (docs/api.md) -----------------------------------------------------------------------------------
# Calls per window (seconds) per token, and per client address without a token; counted in the shared cache.
NEWSREEL_API_RATE_TOKEN = env_int("NEWSREEL_API_RATE_TOKEN", 600)
NEWSREEL_API_RATE_ANONYMOUS = env_int("NEWSREEL_API_RATE_ANONYMOUS", 120)
NEWSREEL_API_RATE_WINDOW = env_int("NEWSREEL_API_RATE_WINDOW", 60)

# --- Ingest ---------------------------------------------------------------------------------------------
NEWSREEL_MAX_UPLOAD_BYTES = env_int("NEWSREEL_MAX_UPLOAD_BYTES", 20 * 1024**3)
NEWSREEL_TRANSCODE_THREADS = env_int("NEWSREEL_TRANSCODE_THREADS", 2)
NEWSREEL_WORKER_NICE = env_int("NEWSREEL_WORKER_NICE", 10)
# A running job holds a lease its worker renews; another worker takes over a job whose lease ran out (docs/workers.md).
NEWSREEL_JOB_LEASE = env_int("NEWSREEL_JOB_LEASE", 60)
# Wall-time limit of a media job: this many seconds, plus NEWSREEL_JOB_TIME_PER_SECOND per second of the master.
NEWSREEL_JOB_TIME_BASE = env_int("NEWSREEL_JOB_TIME_BASE", 600)
NEWSREEL_JOB_TIME_PER_SECOND = env_int("NEWSREEL_JOB_TIME_PER_SECOND", 20)
FILE_UPLOAD_HANDLERS = ["newsreel.ingest.uploads.LimitedTemporaryFileUploadHandler"]
# Spool uploads beside the media so that storing a master is a rename, not a copy of several GB.
FILE_UPLOAD_TEMP_DIR = str(MEDIA_ROOT / "uploads")  # made at start-up (env.prepare_local_files)

# --- Newsletter and alerts -------------------------------------------------------------------------------
# Subscribe rate limits live in the default cache (CACHES, accounts block below), shared by all processes: files
# under var/cache by default; with web processes on several hosts, point NEWSREEL_CACHE_URL at Redis.
NEWSLETTER_BATCH_SIZE = env_int("NEWSREEL_NEWSLETTER_BATCH_SIZE", 100)  # messages per SMTP connection
NEWSLETTER_SENDERS = env_int("NEWSREEL_NEWSLETTER_SENDERS", 2)  # batches of one issue sent in parallel
NEWSLETTER_MAX_PER_SECOND = env_int("NEWSREEL_NEWSLETTER_MAX_PER_SECOND", 0)  # per sender; 0: unthrottled
NEWSLETTER_MAX_ATTEMPTS = env_int("NEWSREEL_NEWSLETTER_MAX_ATTEMPTS", 6)  # temporary failures, then failed
NEWSLETTER_RETRY_BASE = env_int("NEWSREEL_NEWSLETTER_RETRY_BASE", 120)  # seconds, doubled on each retry
NEWSLETTER_HARD_BOUNCE_LIMIT = env_int("NEWSREEL_NEWSLETTER_HARD_BOUNCE_LIMIT", 3)
NEWSLETTER_CLAIM_LEASE = env_int("NEWSREEL_NEWSLETTER_CLAIM_LEASE", 900)  # seconds before a batch is presumed dead
NEWSLETTER_CONFIRM_MAX_AGE = env_int("NEWSREEL_NEWSLETTER_CONFIRM_MAX_AGE", 2 * 24 * 3600)
NEWSLETTER_FORM_MIN_SECONDS = env_int("NEWSREEL_NEWSLETTER_FORM_MIN_SECONDS", 3)
NEWSLETTER_RATE_PER_IP = env_int("NEWSREEL_NEWSLETTER_RATE_PER_IP", 10)  # subscribe requests per hour
NEWSLETTER_RATE_PER_ADDRESS = env_int("NEWSREEL_NEWSLETTER_RATE_PER_ADDRESS", 3)  # confirmation mails per day

# --- Webhooks (docs/webhooks.md) ---------------------------------------------------------------------------
# Private, loopback and link-local receivers are refused (SSRF); only tests and a laptop may allow them.
NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = env_bool("NEWSREEL_WEBHOOKS_ALLOW_PRIVATE", False)
if PRODUCTION and NEWSREEL_WEBHOOKS_ALLOW_PRIVATE:
    raise ConfigError("NEWSREEL_WEBHOOKS_ALLOW_PRIVATE must be off in production")
NEWSREEL_WEBHOOKS_CONNECT_TIMEOUT = env_int("NEWSREEL_WEBHOOKS_CONNECT_TIMEOUT", 5)  # seconds
NEWSREEL_WEBHOOKS_TIMEOUT = env_int("NEWSREEL_WEBHOOKS_TIMEOUT", 15)  # seconds for the whole request
NEWSREEL_WEBHOOKS_MAX_ATTEMPTS = env_int("NEWSREEL_WEBHOOKS_MAX_ATTEMPTS", 10)  # per delivery, then failed
NEWSREEL_WEBHOOKS_RETRY_BASE = env_int("NEWSREEL_WEBHOOKS_RETRY_BASE", 60)  # seconds, doubled each retry, jittered
NEWSREEL_WEBHOOKS_RETRY_MAX = env_int("NEWSREEL_WEBHOOKS_RETRY_MAX", 3600)  # longest wait, Retry-After included
NEWSREEL_WEBHOOKS_DISABLE_AFTER = env_int("NEWSREEL_WEBHOOKS_DISABLE_AFTER", 20)  # failed attempts in a row
NEWSREEL_WEBHOOKS_LOG_DAYS = env_int("NEWSREEL_WEBHOOKS_LOG_DAYS", 90)  # finished deliveries kept in the log

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("NEWSREEL_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Accounts (django-allauth; see docs/accounts.md) ------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Rate limits (allauth, newsletter, clips), the identity and cached pages live in the default cache: it must be
# shared by every process, or each gunicorn worker would count its own limits (docs/performance.md).
# NEWSREEL_CACHE_DIR, the older setting, still names the file cache's directory.
# Template fragments ({% cache %}) and the objects of item pages are kept per process, in memory: their keys
# carry the pages' version (front/pagecache.py), so a copy in each process is never stale, and reading one costs
# no file or network round trip on every signed-in page.
CACHES = {
    "default": cache_from_url(
        env_str("NEWSREEL_CACHE_URL") or (f"file://{env_path('NEWSREEL_CACHE_DIR', VAR_DIR)}" if
                                          env_str("NEWSREEL_CACHE_DIR") else ""), VAR_DIR),
    "template_fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                           "LOCATION": "newsreel-versioned", "OPTIONS": {"MAX_ENTRIES": 5000}},
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "newsreel.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The profile fields plus the newsletter box (newsreel/newsletter/signup.py subclasses the profile form).
ACCOUNT_SIGNUP_FORM_CLASS = "newsreel.newsletter.signup.SignupWithNewsletterForm"
ACCOUNT_FORMS = {
    "signup": "newsreel.accounts.forms.SignupForm",
    "reset_password": "newsreel.accounts.forms.ResetPasswordForm",
    "confirm_password_reset_code": "newsreel.accounts.forms.ConfirmResetCodeForm",
}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = env_int("NEWSREEL_VERIFY_CODE_TIMEOUT", 15 * 60)
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_CHANGE_EMAIL = True
# Changing the sign-in address needs the password again (OWASP ASVS 3.7.1), as do 2FA changes and deletion.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = env_int("NEWSREEL_RESET_CODE_TIMEOUT", 10 * 60)
NEWSREEL_RESET_CODE_RESEND_COOLDOWN = env_int("NEWSREEL_RESET_CODE_RESEND_COOLDOWN", 60)
NEWSREEL_RESET_CODE_MAX_RESENDS = env_int("NEWSREEL_RESET_CODE_MAX_RESENDS", 3)
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "20/h/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/30s/key,20/h/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Behind nginx (deploy/) one proxy appends the client address to X-Forwarded-For; 0 trusts no header.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("NEWSREEL_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("NEWSREEL_TRUSTED_CLIENT_IP_HEADER") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
AUTH_PASSWORD_VALIDATORS: list[dict[str, object]] = [
    {"NAME": "newsreel.accounts.passwords.PortalPasswordPolicy"},
    {"NAME": "newsreel.accounts.passwords.PersonalDataSimilarityValidator"},
    # Both work offline: Django's 20,000 common passwords and zxcvbn's breached-password and word lists.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "newsreel.accounts.passwords.PasswordStrengthValidator"},
]
# zxcvbn's score, 0-4: 4 wants an estimated 10^10 guesses or more (docs/accounts.md, Password policy).
PASSWORD_MINIMAL_STRENGTH = env_int("NEWSREEL_PASSWORD_MIN_STRENGTH", 4)
# Words a password must not be built on, beside the user's own details.
PASSWORD_EXTRA_DICTIONARY = sorted({SITE_NAME, NEWSREEL_SITE_NAME_FR, NEWSREEL_SHORT_NAME, "newsreel"})

# --- Downloads (see docs/delivery.md) ----------------------------------------------------------------------
# Set to nginx's internal location (e.g. "/protected/") to let nginx send the bytes after Django's checks.
NEWSREEL_ACCEL_REDIRECT_PREFIX = env_str("NEWSREEL_ACCEL_REDIRECT_PREFIX", "")
NEWSREEL_CLIP_CACHE_BYTES = env_int("NEWSREEL_CLIP_CACHE_BYTES", 20 * 1024**3)
NEWSREEL_CLIP_SYNC_SECONDS = env_int("NEWSREEL_CLIP_SYNC_SECONDS", 60)
NEWSREEL_CLIP_SYNC_SLOTS = env_int("NEWSREEL_CLIP_SYNC_SLOTS", 2)
NEWSREEL_CLIP_SLOT_LEASE = env_int("NEWSREEL_CLIP_SLOT_LEASE", 300)
NEWSREEL_CLIP_MAX_SECONDS = env_int("NEWSREEL_CLIP_MAX_SECONDS", 3600)
NEWSREEL_CLIP_REQUESTS_PER_HOUR = env_int("NEWSREEL_CLIP_REQUESTS_PER_HOUR", 60)

# --- Captions (see docs/captions.md) -----------------------------------------------------------------------
NEWSREEL_CAPTION_LANGUAGES = env_list("NEWSREEL_CAPTION_LANGUAGES", ["en", "fr"])
NEWSREEL_CAPTION_MAX_BYTES = env_int("NEWSREEL_CAPTION_MAX_BYTES", 2 * 1024 * 1024)
NEWSREEL_CAPTION_MAX_CUES = env_int("NEWSREEL_CAPTION_MAX_CUES", 20_000)
# Speech recognition engines by language, "language:engine" (engines: newsreel/captions/speech.py).
NEWSREEL_SPEECH_ENGINES = env_list("NEWSREEL_SPEECH_ENGINES", ["en:pocketsphinx"])
NEWSREEL_SPEECH_TIME_LIMIT = env_int("NEWSREEL_SPEECH_TIME_LIMIT", 4 * 3600)
