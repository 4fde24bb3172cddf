"""Settings for msg, read from the environment (see .env.example)."""

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# A missing key is fatal outside DEBUG; in DEBUG a throwaway key keeps `make run` one command.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(see .env.example), or set DEBUG=True for local development."
        )
    SECRET_KEY = "django-insecure-dev-only-key-do-not-use-in-production"

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_htmx",
    "corsheaders",
    "oauth2_provider",
    "core",  # template tags only ({% load msg_time %}): it has no models
    "users",
    "social",
    "posts",
    "timelines",
    "notifications",
    "conversations",
    "lists",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CORS for the client API only (CORS_URLS_REGEX), before anything that may answer.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # The client API (/api/, /oauth/token, ...): bodies parsed the same way for every method
    # and content type, and Mastodon's rate limits.
    "api.middleware.ApiRequestMiddleware",
    "users.middleware.MemberPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.ServiceErrorMiddleware",
]

ROOT_URLCONF = "msg_project.urls"
WSGI_APPLICATION = "msg_project.wsgi.application"

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
                "django.template.context_processors.csp",
                "msg_project.context_processors.nav_badges",
                "msg_project.context_processors.nav_current",
            ],
        },
    },
]

# Databases: SQLite by default, PostgreSQL (or anything django-environ parses) via DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs up to a second on the search queries (their accent-folding
    # expression makes the planner's estimate high) and saves nothing on msg's short queries.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
# Keep connections between requests (SQLite too: it saves re-running the PRAGMAs).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, so allauth's rate-limit counters are shared by every worker.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "msg",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "users.CustomUser"
# One backend: allauth's (a ModelBackend, so admin permissions work), made to check exactly one
# password per login, so the time taken does not tell whether an account exists.
AUTHENTICATION_BACKENDS = ["users.auth_backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth
ACCOUNT_ADAPTER = "users.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "users.forms.SignupForm",
    "reset_password": "users.forms.ResetPasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per account. A change takes effect once the new address is confirmed, and the old
# address is told; until then the new one is only pending and belongs to nobody.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[msg] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
ACCOUNT_USERNAME_MIN_LENGTH = 2
# Behind N reverse proxies, the client's address is the Nth from the right in X-Forwarded-For;
# without this every visitor would share the proxy's address and its per-IP rate limits.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The login_failed key is the account, whichever of its username or address was typed
# (users.adapter.AccountAdapter).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}


# Email: console by default, SMTP (or any backend django-environ knows) via EMAIL_URL,
# expressed as Django 6.1's MAILERS.
def _mailer_from_url(config: dict) -> dict:
    backend = config["EMAIL_BACKEND"]
    if not backend.endswith("smtp.EmailBackend"):
        return {"BACKEND": backend}
    options = {
        "host": config.get("EMAIL_HOST") or "localhost",
        "port": config.get("EMAIL_PORT") or 25,
        "username": config.get("EMAIL_HOST_USER") or "",
        "password": config.get("EMAIL_HOST_PASSWORD") or "",
        "use_tls": bool(config.get("EMAIL_USE_TLS")),
        "use_ssl": bool(config.get("EMAIL_USE_SSL")),
        "timeout": env.int("EMAIL_TIMEOUT", default=10),
    }
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": _mailer_from_url(env.email_url("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="msg <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work goes through django.tasks; the embedded default runs tasks at once.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

LANGUAGE_CODE = "en"
# The languages msg ships a complete translation for (locale/); LocaleMiddleware picks one from
# the browser unless the member chose one in settings.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Serve uploads from Django itself (fine for small servers; off when a proxy or S3 serves them).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
# Uploads go to S3-compatible object storage (django-storages) when a bucket is named.
MEDIA_ORIGIN = ""
if env.str("S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": env.str("S3_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    # Images then come from the bucket's host; the Content-Security-Policy must allow it.
    MEDIA_ORIGIN = env.str("S3_MEDIA_ORIGIN", default="") or (
        f"https://{env.str('S3_CUSTOM_DOMAIN')}"
        if env.str("S3_CUSTOM_DOMAIN", default="")
        else env.str("S3_ENDPOINT_URL", default="")
    )
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# msg itself
MSG_MAX_POST_LENGTH = env.int("MSG_MAX_POST_LENGTH", default=500)
MSG_PAGE_SIZE = env.int("MSG_PAGE_SIZE", default=20)
MSG_COMMENTS_PAGE_SIZE = env.int("MSG_COMMENTS_PAGE_SIZE", default=50)
# Open profiles, tag pages, the pages of public and unlisted posts and the RSS feeds to
# visitors, read-only (off: the whole site is for members only).
MSG_PUBLIC_PAGES = env.bool("MSG_PUBLIC_PAGES", default=False)
# Link previews: a task fetches the card of the first link in a post (off: msg never contacts
# the servers that posts link to). Loopback addresses are refused; only the tests allow them.
MSG_PREVIEWS = env.bool("MSG_PREVIEWS", default=True)
MSG_PREVIEW_ALLOW_LOOPBACK = False
# What other apps do before an account is deleted (users.services.user_delete calls each).
MSG_ACCOUNT_DELETE_STEPS = ["posts.services.account_posts_delete"]
# What apps above timelines add to `manage.py seed_demo` (each is called with users=).
MSG_SEED_DEMO_STEPS = ["lists.demo.seed_lists", "conversations.demo.seed_messages"]

# Security. Content-Security-Policy: no inline scripts or styles, nothing from other origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# HTTPS-only settings switch on when the public address is https.
HTTPS = SITE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if HTTPS:
    # Behind a TLS-terminating proxy (see docs/operations.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django.tasks logs two INFO lines per task (every notification and email): keep failures.
    "loggers": {"django.tasks": {"level": env.str("TASKS_LOG_LEVEL", default="WARNING")}},
}

# The Mastodon-compatible client API (api/, docs/api.md).
# OAuth 2 (django-oauth-toolkit): tokens do not expire unless revoked, as in Mastodon;
# authorization codes are single use and live 10 minutes; PKCE is accepted (S256 only), not
# required, because Mastodon.py sends none.
OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Read all your account's data",
        "write": "Change all your account's data",
        "follow": "Follow, mute and block accounts",
        "push": "Receive push notifications",
        "profile": "Read only your basic profile",
        **{
            f"{kind}:{part}": f"{kind} {part}"
            for kind, parts in {
                "read": [
                    "accounts",
                    "blocks",
                    "bookmarks",
                    "favourites",
                    "filters",
                    "follows",
                    "lists",
                    "mutes",
                    "notifications",
                    "search",
                    "statuses",
                ],
                "write": [
                    "accounts",
                    "blocks",
                    "bookmarks",
                    "conversations",
                    "favourites",
                    "filters",
                    "follows",
                    "lists",
                    "media",
                    "mutes",
                    "notifications",
                    "reports",
                    "statuses",
                ],
            }.items()
            for part in parts
        },
    },
    "DEFAULT_SCOPES": ["read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 100 * 365 * 24 * 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": None,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 600,
    "PKCE_REQUIRED": False,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    "ALLOWED_SCHEMES": ["https", "http"],
    "OAUTH2_VALIDATOR_CLASS": "api.oauth_validator.MsgOAuth2Validator",
    # Mastodon's grants only (code with PKCE S256, client credentials, password), no refresh.
    "OAUTH2_SERVER_CLASS": "api.oauth_validator.MsgOAuth2Server",
    "REQUEST_APPROVAL_PROMPT": "force",
    # Only a checksum of each token is stored (RFC 9700): a leaked database holds no token.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}
# The toolkit's own models (named so migrations can depend on them).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
# Registration through the API's password grant (Mastodon.py's log_in with a password).
MSG_OAUTH_PASSWORD_GRANT = env.bool("MSG_OAUTH_PASSWORD_GRANT", default=True)
# Mastodon's API rate limits: per IP without a token, per account with one (None: off).
MSG_API_RATE_LIMIT_ANON = (300, 300)  # requests, seconds
MSG_API_RATE_LIMIT_USER = (1500, 300)
# Loopback addresses are not limited (tests and a local client); production sets this off.
MSG_API_RATE_LIMIT_EXEMPT_LOOPBACK = env.bool("MSG_API_RATE_LIMIT_EXEMPT_LOOPBACK", default=False)
# Cross-origin reads and writes for web clients (Elk, Phanpy) on the API only.
CORS_URLS_REGEX = r"^/(api/|oauth/(token|revoke)|\.well-known/|nodeinfo/)"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "user-agent",
    "x-requested-with",
]
NINJA_PAGINATION_PER_PAGE = 20
# What /api/v1/instance, /api/v2/instance and NodeInfo say about this server (docs/api.md).
MSG_SITE_TITLE = env.str("MSG_SITE_TITLE", default="msg")
MSG_SITE_DESCRIPTION = env.str(
    "MSG_SITE_DESCRIPTION",
    default="Short posts, real conversations, on a server you run yourself.",
)
# The address shown to clients as the server's contact (empty: DEFAULT_FROM_EMAIL's address).
MSG_CONTACT_EMAIL = env.str("MSG_CONTACT_EMAIL", default="")
MSG_SOURCE_URL = env.str("MSG_SOURCE_URL", default="")
# The server's rules, as plain-text sentences, shown by /api/v1/instance/rules.
MSG_RULES: list[str] = []

# django-oauth-toolkit's RFC 9700 deploy warnings that msg answers on purpose:
# - W001 (implicit grant), W003 (PKCE "plain"), W004 (tokens in the query string), W007
#   (refresh-token replay): msg's own server class (api.oauth_validator) offers only the code,
#   client-credentials and password grants, accepts S256 only, issues no refresh token, and the
#   API reads tokens from the Authorization header alone (api.auth).
# - W002 (password grant), W008 (http redirect URIs), W010 (PKCE not required): Mastodon's
#   clients need them (toot login_cli and Mastodon.py log in with a password, native apps use
#   loopback redirects, Mastodon.py sends no PKCE); MSG_OAUTH_PASSWORD_GRANT turns the first off.
# - W005 (no RFC 9207 `iss` in the authorization response): Mastodon sends none, and clients
#   compare the redirect they registered.
SILENCED_SYSTEM_CHECKS = [
    "oauth2_provider.W001",
    "oauth2_provider.W002",
    "oauth2_provider.W003",
    "oauth2_provider.W004",
    "oauth2_provider.W005",
    "oauth2_provider.W007",
    "oauth2_provider.W008",
    "oauth2_provider.W010",
]
