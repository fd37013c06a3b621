"""Iltod settings: one file, read from environment variables with defaults that work on a laptop.

``DJANGO_ENV=production`` switches on the hardening (HTTPS-only cookies, HSTS, no debug, a
mandatory secret key, second factor for staff). Every variable is listed in ``.env.example``.
"""

import warnings
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from iltod.lib.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ILTOD_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("DJANGO_ENV must be development, production or test")
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", not IS_PRODUCTION)
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdefghijklmnop"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if IS_PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "iltod.core.middleware.csrf_failure"  # JSON under /api/v1/, Django's page elsewhere
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME")  # empty: "Iltod", translated

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "iltod.core",
    "iltod.accounts",
    "iltod.places",
    "iltod.organizations",
    "iltod.notifications",
    "iltod.feedback",
    "iltod.engagement",
    "iltod.scorecards",
    "iltod.disclosure",
    "iltod.procurement",
    "iltod.learning",
    "iltod.results",
    "iltod.portal",
    "iltod.demo",
    "iltod.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "iltod.core.middleware.DatabaseUnavailableMiddleware",  # 503 + Retry-After while the database is down
    "iltod.core.middleware.SessionMiddleware",  # Django's; a session lost with the database is a 503
    "django.middleware.locale.LocaleMiddleware",
    "iltod.core.middleware.ApiErrorsMiddleware",  # /api/v1/: oversized bodies and bad requests in JSON
    "iltod.core.middleware.RefuseNulMiddleware",  # %00 in a page's address: 400, never a database error
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "iltod.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (django-csp), see CONTENT_SECURITY_POLICY
    "iltod.core.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iltod.urls"
WSGI_APPLICATION = "iltod.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "iltod" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iltod.core.context_processors.site",
                "iltod.accounts.context_processors.capabilities",
            ],
        },
    },
]

# Database: SQLite file under var/ by default, PostgreSQL (psycopg 3) with DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'iltod.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if IS_PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Streaming replicas for the reads that may lag a few seconds (statistics, dashboards, the ranking,
# exports, feeds): one alias per address, used only by views marked @reads_from_replica, never
# migrated; a replica that fails is left alone for DATABASE_REPLICA_RETRY_SECONDS (iltod/core/replicas.py).
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    _replica = dj_database_url.parse(
        _url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    _replica["TEST"] = {"MIRROR": "default"}  # tests read the primary under the replica's name
    DATABASES[f"replica_{_number}"] = _replica
DATABASE_ROUTERS = ["iltod.core.replicas.ReplicaRouter"]
DATABASE_REPLICA_RETRY_SECONDS = env_int("DATABASE_REPLICA_RETRY_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and rate-limit counters: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # While Redis is unreachable the cache answers as an empty one (iltod/core/cache.py) after at
    # most a short timeout, so that submissions go on; nothing in it is the only copy of anything.
    CACHES = {
        "default": {
            "BACKEND": "iltod.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": env_int("REDIS_TIMEOUT_MS", 500) / 1000,
                "socket_timeout": env_int("REDIS_TIMEOUT_MS", 500) / 1000,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must be first: refuses locked-out attempts
    "iltod.accounts.backends.EmailOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "portal:home"

# Second factor (TOTP) for everyone who acts for an organisation, required in production.
REQUIRE_STAFF_2FA = env_bool("REQUIRE_STAFF_2FA", IS_PRODUCTION)
OTP_TOTP_ISSUER = SITE_NAME or "Iltod"

# Lockout after repeated failed logins (django-axes): per account and per address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "iltod.accounts.views.locked_out"
AXES_USERNAME_CALLABLE = "iltod.accounts.backends.login_identifier"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_VERBOSE = False
# Across accounts: failed logins from one address (an IPv6 /64) within a window, then 429 until it
# ends (django-ratelimit rate "N/[k]s|m|h|d", counted in the cache). Generous for a school or office
# behind one address, small for someone trying a few passwords on many accounts.
LOGIN_FAILURES_PER_IP = env_str("LOGIN_FAILURES_PER_IP", "20/15m")

# Languages: Mongolian first, English second; configurable content has _mn/_en fields.
LANGUAGE_CODE = "mn"
FORMAT_MODULE_PATH = ["iltod.core.formats"]  # number grouping for Mongolian (iltod/core/formats/mn)
LANGUAGES = [("mn", "Монгол"), ("en", "English")]
MODELTRANSLATION_DEFAULT_LANGUAGE = "mn"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("mn", "en")
# iltod/api/framework/locale: the Mongolian of Django REST framework's own messages (it ships none)
LOCALE_PATHS = [BASE_DIR / "iltod" / "locale", BASE_DIR / "iltod" / "api" / "framework" / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ulaanbaatar")
USE_TZ = True

STATIC_URL = "/static/"
# Serve straight from the source folders outside production, so no collectstatic is needed there.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files go out through access-checked views (iltod/core/files.py). Set to nginx's internal
# location (e.g. /protected-media/) to let nginx send the bytes once Django has allowed them.
MEDIA_ACCEL_REDIRECT = env_str("MEDIA_ACCEL_REDIRECT", "")
# Outside production STATIC_ROOT is not collected; whitenoise serves from the finders instead.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
STORAGES = {
    "default": {"BACKEND": "iltod.core.storage.GuardedFileSystemStorage"},  # URLs through the guards
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: printed to the console in development, SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds: a silent SMTP server must not hold a worker
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Iltod <noreply@iltod.mn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SMS: "console" logs messages (development); "http" posts JSON to a gateway (production).
SMS_GATEWAY = env_str("SMS_GATEWAY", "console")
if SMS_GATEWAY not in {"console", "http"}:
    raise ImproperlyConfigured("SMS_GATEWAY must be console or http")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_secret("SMS_GATEWAY_TOKEN")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
if SMS_GATEWAY == "http" and not SMS_GATEWAY_URL:
    raise ImproperlyConfigured("SMS_GATEWAY=http needs SMS_GATEWAY_URL")

# Outbox delivery: attempts before giving up, and how long a claimed message may stay claimed.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_CLAIM_SECONDS = env_int("OUTBOX_CLAIM_SECONDS", 300)
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60)  # first retry; doubles up to 6 hours

# Background work: Celery workers when a broker is configured, in-process (eager) otherwise.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# With a worker started with --beat: sweep the outbox, so messages queued while the broker was down
# go out once it is back.
CELERY_BEAT_SCHEDULE = {
    "deliver-outbox": {
        "task": "iltod.notifications.tasks.deliver_outbox",
        "schedule": env_int("OUTBOX_SWEEP_SECONDS", 60),
    },
}

# Feedback intake limits (django-ratelimit rates: "N/s|m|h|d").
FEEDBACK_RATE_PER_IP = env_str("FEEDBACK_RATE_PER_IP", "20/h")
FEEDBACK_TRACK_RATE_PER_IP = env_str("FEEDBACK_TRACK_RATE_PER_IP", "60/h")
FEEDBACK_PER_PHONE_PER_DAY = env_int("FEEDBACK_PER_PHONE_PER_DAY", 5)
PROXY_COUNT = env_int("PROXY_COUNT", 0)  # reverse proxies in front (nginx: 1), for clients' addresses
# Behind proxies REMOTE_ADDR is the proxy's: every visitor would share one counter.
RATELIMIT_IP_META_KEY = "iltod.core.middleware.client_address"
# While the cache (Redis) is unreachable the counters cannot be kept: let citizens through rather
# than refuse every submission (the per-phone daily limit, counted in the database, still holds).
RATELIMIT_FAIL_OPEN = True

# Open311 GeoReport v2: the platform's jurisdiction_id (default: the host of SITE_URL) and contact.
OPEN311_JURISDICTION = env_str("OPEN311_JURISDICTION")
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "Iltod support, support@iltod.mn")
OPEN311_POST_RATE = env_str("OPEN311_POST_RATE", "600/h")

# REST API v1 (iltod.api): JSON only; API keys (Bearer / X-API-Key) or the staff's session;
# rate limits per address (anonymous) and per user or key, counted in the default cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "iltod.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],  # every API view sets its own
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["iltod.api.parsers.JSONParser"],  # depth and size limits
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "iltod.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": ["iltod.api.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_RATE_ANON", "120/min"),
        "user": env_str("API_RATE_USER", "1200/min"),  # a logged-in user or an API key
    },
    "NUM_PROXIES": env_int("PROXY_COUNT", 0),
    "EXCEPTION_HANDLER": "iltod.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_METADATA_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Iltod API",
    "DESCRIPTION": "Public data and feedback handling of Iltod, the social accountability platform. "
    "See docs/api.md for authentication, errors and examples.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "FeedbackKindEnum": "iltod.feedback.models.Kind",
        "FeedbackStatusEnum": "iltod.feedback.models.Feedback.Status",
        "FeedbackChannelEnum": "iltod.feedback.models.Feedback.Channel",
        "FeedbackPrivacyEnum": "iltod.feedback.models.Feedback.Privacy",
        "FeedbackModerationEnum": "iltod.feedback.models.Feedback.Moderation",
        "FacilityKindEnum": "iltod.places.models.ServiceUnit.Kind",
        "AdminUnitLevelEnum": "iltod.places.models.AdminUnit.Level",
        "OrganizationKindEnum": "iltod.organizations.models.Organization.Kind",
        "OrganizationSizeEnum": "iltod.organizations.models.Organization.Size",
        "LdfProjectStatusEnum": "iltod.disclosure.models.projects.LdfProject.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "iltod.api.schema.add_error_responses",
    ],
    # The docs page loads Swagger UI from static/vendor/swagger-ui (no CDN); see iltod.api.schema.
    "SWAGGER_UI_DIST": STATIC_URL + "vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": STATIC_URL + "vendor/swagger-ui/favicon-32x32.png",
    # No deep links: Swagger UI puts them inside the operation's toggle button (a link nested in a
    # button, which screen readers and keyboards cannot use; axe-core: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None, "defaultModelsExpandDepth": 0},
}

# Maps: boundaries are drawn from the reference GeoJSON; a tile layer is optional.
MAP_TILE_URL = env_str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")

# Content-Security-Policy on every page (django-csp): scripts, styles, fonts and frames only from
# the site itself, no inline script or style anywhere (the Swagger UI page loads its start-up script
# from ?script). Images also as data: URIs (Swagger UI's icons) and from the map tile server.
_MAP_TILE_ORIGIN = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL.startswith("https://") else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_MAP_TILE_ORIGIN] if _MAP_TILE_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page uses are switched off; "facilities near me" asks for the position.
PERMISSIONS_POLICY = env_str(
    "PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
)

# Hardening, on with DJANGO_ENV=production.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if DJANGO_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Intake channels (docs/channels.md): inbound SMS from a gateway and KoBoToolbox/ODK submissions.
# Each webhook checks its shared secret (header X-Iltod-Secret or Authorization: Bearer, or
# ?secret=); an empty secret switches the webhook off (404).
SMS_WEBHOOK_SECRET = env_secret("SMS_WEBHOOK_SECRET")
KOBO_WEBHOOK_SECRET = env_secret("KOBO_WEBHOOK_SECRET")
# Photos of KoBo submissions are fetched by a background task with this API token (of an account
# that can read the forms' submissions); empty: photos stay in KoBoToolbox and a note says where.
KOBO_API_TOKEN = env_secret("KOBO_API_TOKEN")
# The only servers (scheme://host[:port]) whose attachment URLs are fetched: a submission could name
# any address, so anything else is left as a note and never contacted.
KOBO_SERVER_URLS = env_list(
    "KOBO_SERVER_URLS",
    [
        "https://kf.kobotoolbox.org",
        "https://kc.kobotoolbox.org",
        "https://eu.kobotoolbox.org",
        "https://kc-eu.kobotoolbox.org",
    ],
)
for _url in KOBO_SERVER_URLS:
    _parts = urlsplit(_url)
    try:
        _parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        _parts = None
    if (
        not _parts
        or _parts.scheme not in {"http", "https"}
        or not _parts.hostname
        or _parts.path.strip("/") + _parts.query
    ):
        raise ImproperlyConfigured(f"KOBO_SERVER_URLS: {_url!r} is not a server address like https://kf.example.org")
KOBO_FETCH_TIMEOUT = env_int("KOBO_FETCH_TIMEOUT", 20)  # seconds one download may take in all
if DJANGO_ENV == "test":
    KOBO_API_TOKEN = ""  # tests never reach a real KoBo server; the photo tests set their own
# Twilio's auth token: when set, SMS in Twilio's format must carry a valid X-Twilio-Signature.
TWILIO_AUTH_TOKEN = env_secret("TWILIO_AUTH_TOKEN")
# Public code of the organisation that handles channel feedback routing finds nobody for (an SMS
# naming no facility) and fixes inbound messages in error; empty: routing's fallback only.
FEEDBACK_TRIAGE_ORGANIZATION = env_str("FEEDBACK_TRIAGE_ORGANIZATION").strip().upper()
