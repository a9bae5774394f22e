"""Settings shared by every environment; each value comes from the environment, parsed strictly."""

import zoneinfo
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str
from core.personal_data import derive_dev_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# The default only works while DEBUG is on; production.py refuses it.
DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "config.apps.GovernanceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "governance",
    "grids",
    "notifications",
    "cadres",
    "community_services",
    "duties",
    "households",
    "resident_requests",
    "volunteers",
    "party_building",
    "deliberation",
    "oversight",
    "workbench",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "governance.middleware.UploadLimitMiddleware",
    "governance.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "governance.middleware.LoginRequiredMiddleware",
    "governance.middleware.PasswordChangeRequiredMiddleware",
    "governance.idempotency.IdempotencyMiddleware",
    "core.replicas.WroteMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "governance.context_processors.capabilities",
                "notifications.context_processors.unread_notifications",
                "resident_requests.context_processors.requests_waiting",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from exc
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["ENGINE"] = "core.sqlite"  # integers beyond 64 bits find nothing instead of failing
    # Read replicas (streaming): dashboards, figures, exports and the API's lists read there (core/replicas.py).
    for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
        DATABASES[f"replica{number}"] = {
            **dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True),
            "TEST": {"MIRROR": "default"},
        }
    # Parameters bound by the server and statements prepared on a connection's fifth use: PostgreSQL stops parsing and
    # planning the same dozen queries of every page (over 29 monthly partitions, the plan cost more than the query), a
    # third of a page's CPU on both sides. Off (DB_PREPARED_STATEMENTS=false) behind a pooler that cannot keep them.
    if env_bool("DB_PREPARED_STATEMENTS", True):
        for alias in DATABASES.values():
            if alias["ENGINE"] == "django.db.backends.postgresql":
                alias.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
else:
    # The SQLite file and the embedded broker live in var/, which a fresh clone does not have yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "core.sqlite",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }

AUTH_USER_MODEL = "governance.User"
AUTHENTICATION_BACKENDS = [
    # Axes must come first so that a locked-out account or address never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# New and changed passwords are hashed with Argon2id (core/hashers.py); PBKDF2 hashes still verify and are upgraded at login.
PASSWORD_HASHERS = ["core.hashers.Argon2idHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: locked per account-and-address pair and, separately, per address, so that nobody can lock a named
# account from elsewhere. Axes takes one limit for both (the highest count of the two decides).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_CALLABLE = "governance.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
# The address residents' phones reach the site on (https://grid.example.gov.cn): QR codes on cards and check-in screens use it.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r} is not one of {', '.join(dict(LANGUAGES))}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone.")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Third-party front-end files come from npm (package-lock.json) and are served by the app itself.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Uploaded files are served only by the app's scoped views; with a proxy in front, the view answers with
# X-Accel-Redirect to this internal location (nginx: `location /protected-media/ { internal; alias <MEDIA_ROOT>/; }`).
MEDIA_ACCEL_REDIRECT_PREFIX = env_str("MEDIA_ACCEL_REDIRECT_PREFIX", "")
# Uploads: a photo's header must declare at most this many pixels before it is decoded (decompression bombs).
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# A whole request body (all files of one form) is refused above this, before it is read; the proxy should cap it too.
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_MB", 40) * 1024 * 1024
# At most nine photos go with one form; Django refuses a body with more files than this (400) while parsing it.
DATA_UPLOAD_MAX_NUMBER_FILES = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]

REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
# A stopped or frozen Redis must fail fast (a page, /healthz), not hold a worker for its 30 s.
REDIS_CACHE_OPTIONS = {"socket_timeout": 1, "socket_connect_timeout": 1}
REDIS_BROKER_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = dict(REDIS_BROKER_OPTIONS)
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "OPTIONS": REDIS_CACHE_OPTIONS}}
else:
    # Without Redis the worker and beat still run, on kombu's filesystem transport.
    (CELERY_BROKER_DIR / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        # kombu would write its broadcast exchanges to ./control, wherever the process was started.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Per process, for what is the same for many people and costs more to render than to keep (the menu in base.html).
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local", "OPTIONS": {"MAX_ENTRIES": 2000}}
# Three queues so that a long report never delays the sweep: each has its own worker in production (docker-compose.yml).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "resident_requests.tasks.*": {"queue": "sweep"},
    "oversight.tasks.*": {"queue": "reports"},
    **{
        f"{app}.tasks.*": {"queue": "notifications"}
        for app in ("notifications", "households", "volunteers", "party_building", "cadres", "community_services", "duties", "deliberation")
    },
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Every periodic job is listed here, and each is also a management command.
CELERY_BEAT_SCHEDULE = {
    "governance-housekeeping": {"task": "governance.tasks.housekeeping", "schedule": 3600.0},
    "governance-partitions": {"task": "governance.tasks.partitions_ensure_daily", "schedule": crontab(hour=2, minute=40)},
    "notifications-retry": {"task": "notifications.tasks.notifications_retry_task", "schedule": 60.0},
    "oversight-dashboards": {"task": "oversight.tasks.dashboards_refresh", "schedule": 300.0},
    "oversight-rollups": {"task": "oversight.tasks.rollups_nightly", "schedule": crontab(hour=1, minute=30)},
    "oversight-monthly-reports": {"task": "oversight.tasks.monthly_reports", "schedule": crontab(day_of_month=1, hour=6, minute=0)},
    "party-building-linkage": {"task": "party_building.tasks.linkage_weekly", "schedule": crontab(day_of_week=1, hour=8, minute=0)},
    "households-visits-due": {"task": "households.tasks.visits_due_daily", "schedule": crontab(hour=7, minute=30)},
    "requests-sweep": {"task": "resident_requests.tasks.requests_sweep_task", "schedule": 300.0},
    "volunteers-unclaimed-wishes": {"task": "volunteers.tasks.wishes_unclaimed_daily", "schedule": crontab(hour=8, minute=30)},
    "requests-long-term-review": {"task": "resident_requests.tasks.long_term_review_monthly", "schedule": crontab(day_of_month=1, hour=8, minute=0)},
    "services-no-shows": {"task": "community_services.tasks.no_shows_mark", "schedule": 900.0},
    "deliberation-reminders": {"task": "deliberation.tasks.deliberation_daily", "schedule": crontab(hour=8, minute=15)},
    "cadres-mentoring-meetings": {"task": "cadres.tasks.mentoring_meetings_daily", "schedule": crontab(hour=8, minute=15)},
}
# The header's badge numbers are counted at most this often per person (core/badges.py); 0 counts on every page.
BADGE_CACHE_SECONDS = env_int("BADGE_CACHE_SECONDS", 30)
# 满意率 counts 基本满意 (fairly satisfied) as satisfied unless this is off.
REQUESTS_FAIRLY_SATISFIED_COUNTS = env_bool("REQUESTS_FAIRLY_SATISFIED_COUNTS", True)
# In-app notifications are always stored; these backends also deliver them (SMS, WeChat gateways).
NOTIFICATION_BACKENDS = env_list("NOTIFICATION_BACKENDS", ["notifications.backends.LogBackend"])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "governance.api_auth.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "governance.api_auth.PasswordChangeNotPending"],
    "DEFAULT_FILTER_BACKENDS": ["config.api.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
# API tokens expire; they are also deleted on any password change, deactivation and revocation of the last role.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
if API_TOKEN_TTL_DAYS < 1:
    raise ImproperlyConfigured(f"API_TOKEN_TTL_DAYS={API_TOKEN_TTL_DAYS} must be at least 1.")
SPECTACULAR_SETTINGS = {
    "TITLE": "Community grid governance API",
    "DESCRIPTION": "District → street → community → grid → building; every list is scoped to the caller's subtree.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema lists every endpoint and field: for logged-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies and answers are separate components: read-only fields are never asked for, write-only never answered.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "resident_requests.lifecycle.Status",
        "RequestActionEnum": "resident_requests.lifecycle.RequestAction",
        "TimelineActionEnum": "resident_requests.lifecycle.TimelineAction",
        "HouseholdStatusEnum": "households.models.Household.Status",
        "ListProjectStatusEnum": "party_building.models.Project.Status",
        "PlaceLevelEnum": "governance.roles.Level",
        "HandlingLevelEnum": "resident_requests.lifecycle.HandlingLevel",
        "ReviewStatusEnum": "volunteers.models.ReviewStatus",
        "IncomingTaskStatusEnum": "duties.lifecycle.TaskStatus",
        "DutyKindEnum": "duties.models.DutyKind",
        "BookingStatusEnum": "community_services.models.Booking.Status",
        "BookingKindEnum": "community_services.models.Booking.Kind",
        # GeoJSON's own "type" values (places, the situation map).
        "GeometryTypeEnum": [("Point", "Point"), ("Polygon", "Polygon"), ("MultiPolygon", "MultiPolygon")],
        "FeatureTypeEnum": [("Feature", "Feature")],
        "FeatureCollectionTypeEnum": [("FeatureCollection", "FeatureCollection")],
        "TopicStatusEnum": "deliberation.lifecycle.Status",
        "RequestSourceEnum": "resident_requests.models.ResidentRequest.Source",
        "TopicSourceEnum": "deliberation.models.Topic.Source",
        "MeetingKindEnum": "deliberation.models.Meeting.Kind",
        "ParticipantKindEnum": "deliberation.models.Participant.Kind",
        "DeliberationTaskStatusEnum": "deliberation.models.Task.Status",
        "CadreReviewEnum": "cadres.models.Review",
        "CadreRuleKindEnum": "cadres.models.PoolRule.Kind",
        "CadreGrowthKindEnum": "cadres.models.GrowthEntry.Kind",
        "CadreMeetingKindEnum": "cadres.models.RoutineMeeting.Kind",
        "CadrePairStatusEnum": "cadres.models.MentorPair.Status",
    },
}

# Personal data at rest (see core/personal_data.py). Development derives keys from SECRET_KEY;
# production.py refuses that.
_DEV_FIELD_KEY = derive_dev_key(SECRET_KEY, "field-encryption")
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [_DEV_FIELD_KEY])
FIELD_HASH_KEY = env_str("FIELD_HASH_KEY", derive_dev_key(SECRET_KEY, "field-hash"))
# Reveals of full ID numbers and phones per person and day, and the count above which the district organization
# department is notified; ID numbers found registered outside the submitter's area above which it is notified too.
PERSONAL_DATA_REVEALS_PER_DAY = env_int("PERSONAL_DATA_REVEALS_PER_DAY", 50)
PERSONAL_DATA_REVEALS_ALERT = env_int("PERSONAL_DATA_REVEALS_ALERT", 30)
ID_CONFLICTS_ALERT = env_int("ID_CONFLICTS_ALERT", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
