"""Instance: /api/v1/instance, /api/v2/instance and the documents under /api/v1/instance/.

What clients ask first, before anyone logs in, so no token is needed for any of them, even
when MSG_PUBLIC_PAGES is off (as the issue's privacy rule allows: the server's name, limits
and counts, never a post). The limits in `configuration` are the ones the services enforce,
read from the same constants; the counts are cached for USAGE_TTL seconds, as Mastodon
caches its own.
"""

import tomllib
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import linebreaks
from ninja import Router
from ninja.errors import HttpError

from api import schemas, selectors
from api.entities import Entities, iso
from api.resources.discovery import AnyScope
from core import images
from posts.services import MAX_IMAGES, pins, polls
from posts.services import media as post_media
from users.models import CustomUser

router = Router(tags=["instance"])

# The Mastodon version msg answers as: Mastodon.py checks every call against it, and accepts
# them all (in its strict "changed" mode) only with 4.7.0.
MASTODON_VERSION = "4.7.0"
# The Mastodon API revision (instance v2 `api_versions`), as Mastodon 4.7 reports it.
MASTODON_API_VERSION = 6


def _msg_version() -> str:
    """Return msg's own version, from pyproject.toml (the project is not installed, so
    importlib.metadata does not know it)."""
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0.0.0"


MSG_VERSION = _msg_version()
VERSION = f"{MASTODON_VERSION} (compatible; msg {MSG_VERSION})"

# msg counts a link at its full length (posts.services.post_body_clean). Mastodon's clients
# count each link as this many characters whatever this says (Phanpy always does), and this is
# the figure they know: a post with a long link may then pass the client's counter and be
# refused by the server with a 422 that says why.
CHARACTERS_RESERVED_PER_URL = 23
MIME_TYPES = images.ACCEPT.split(",")
USAGE_TTL = 300
USAGE_KEY = "api:instance:usage"
ACTIVITY_WEEKS = 12
# When the server started: the descriptions come from settings, which change only then.
STARTED_AT = timezone.now()


def usage() -> selectors.ServerUsage:
    """Return the server's counts, cached for USAGE_TTL seconds."""
    found = cache.get(USAGE_KEY)
    if not isinstance(found, selectors.ServerUsage):
        found = selectors.server_usage(timezone.now())
        cache.set(USAGE_KEY, found, USAGE_TTL)
    return found


def domain(request: HttpRequest) -> str:
    """Return the host clients reach this server at."""
    return request.get_host()


def local_hosts(request: HttpRequest) -> set[str]:
    """Return the hosts this server answers to, lower case: the request's and SITE_URL's,
    each with its port and without it (a handle such as alice@msg.example names no port).

    The one rule for "is this host this server": accounts lookup and search, /api/v2/search
    and WebFinger all ask it.
    """
    hosts = {request.get_host().lower(), urlsplit(settings.SITE_URL).netloc.lower()}
    return hosts | {_without_port(host) for host in hosts}


def _without_port(host: str) -> str:
    """Return host without its port ("[::1]:8000" -> "[::1]")."""
    if host.startswith("["):  # an IPv6 address: its colons are no port
        return host.partition("]")[0] + "]"
    return host.partition(":")[0]


def contact_email() -> str:
    """Return the server's contact address (MSG_CONTACT_EMAIL, else DEFAULT_FROM_EMAIL's)."""
    return settings.MSG_CONTACT_EMAIL or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def registrations_open(request: HttpRequest) -> bool:
    """Return whether sign-up is open (allauth's adapter decides, as on the web)."""
    return bool(get_adapter(request).is_open_for_signup(request))


def rules() -> list[dict[str, Any]]:
    """Return the server's rules (MSG_RULES) as Rule entities."""
    return [
        {"id": str(n), "text": str(text), "hint": "", "translations": {}}
        for n, text in enumerate(settings.MSG_RULES, start=1)
    ]


def _contact_account(request: HttpRequest) -> dict[str, Any] | None:
    """Return the Account of the server's first active superuser, if it has one.

    With MSG_PUBLIC_PAGES off its profile page refuses visitors, so the Account is shown
    only to a reader with a valid token (of a confirmed account, as discovery's routes ask):
    null for anyone else. Clients take null as "no contact account" (Mastodon serves it
    when none is set).
    """
    try:
        viewer = getattr(AnyScope()(request), "user", None)
    except HttpError:  # no token (or a bad one) on a private server, an unconfirmed account
        viewer = None
    if viewer is None and not settings.MSG_PUBLIC_PAGES:
        return None
    admin = selectors.server_contact()
    return Entities(request, viewer).account(admin) if admin is not None else None


def _field_length(name: str) -> int:
    return getattr(CustomUser._meta.get_field(name), "max_length", None) or 0


def configuration() -> dict[str, Any]:
    """Return the limits msg enforces, from the constants its services check against."""
    return {
        "accounts": {
            "max_featured_tags": 0,
            "max_pinned_statuses": pins.MAX_PINS,
            "max_display_name_length": _field_length("display_name"),
            "max_note_length": _field_length("bio"),
            "max_avatar_description_length": 0,
            "max_header_description_length": 0,
            "max_profile_fields": 0,
            "profile_field_name_limit": 0,
            "profile_field_value_limit": 0,
        },
        "statuses": {
            "max_characters": settings.MSG_MAX_POST_LENGTH,
            "max_media_attachments": MAX_IMAGES,
            "characters_reserved_per_url": CHARACTERS_RESERVED_PER_URL,
        },
        "media_attachments": {
            "supported_mime_types": MIME_TYPES,
            "description_limit": post_media.ALT_TEXT_MAX_LENGTH,
            "image_size_limit": post_media.IMAGE_MAX_BYTES,
            "image_matrix_limit": images.MAX_PIXELS,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {
            "max_options": polls.MAX_OPTIONS,
            "max_characters_per_option": polls.OPTION_MAX_LENGTH,
            "min_expiration": int(polls.MIN_DURATION.total_seconds()),
            "max_expiration": int(polls.MAX_DURATION.total_seconds()),
        },
    }


def _thumbnail(request: HttpRequest) -> str:
    return request.build_absolute_uri(static("img/header.png"))


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@router.get("/v1/instance", auth=None, response=schemas.InstanceV1, summary="Instance (v1)")
@router.get("/v1/instance/", auth=None, response=schemas.InstanceV1, include_in_schema=False)
def instance_v1(request: HttpRequest) -> dict[str, Any]:
    """Return the server's description, limits and counts in Mastodon's v1 shape."""
    counts = usage()
    return {
        "uri": domain(request),
        "title": settings.MSG_SITE_TITLE,
        "short_description": settings.MSG_SITE_DESCRIPTION,
        "description": settings.MSG_SITE_DESCRIPTION,
        "email": contact_email(),
        "version": VERSION,
        "urls": {"streaming_api": ""},
        "stats": {"user_count": counts.users, "status_count": counts.statuses, "domain_count": 1},
        "thumbnail": _thumbnail(request),
        "languages": _languages(),
        "registrations": registrations_open(request),
        "approval_required": False,
        "invites_enabled": False,
        "configuration": configuration(),
        "contact_account": _contact_account(request),
        "rules": rules(),
    }


def _feed_access() -> dict[str, str]:
    return {
        "local": "public" if settings.MSG_PUBLIC_PAGES else "authenticated",
        "remote": "disabled",
    }


@router.get("/v2/instance", auth=None, response=schemas.InstanceV2, summary="Instance (v2)")
@router.get("/v2/instance/", auth=None, response=schemas.InstanceV2, include_in_schema=False)
def instance_v2(request: HttpRequest) -> dict[str, Any]:
    """Return the server's description, limits and counts in Mastodon's v2 shape."""
    counts = usage()
    feeds = _feed_access()
    return {
        "domain": domain(request),
        "title": settings.MSG_SITE_TITLE,
        "version": VERSION,
        "source_url": settings.MSG_SOURCE_URL,
        "description": settings.MSG_SITE_DESCRIPTION,
        "usage": {"users": {"active_month": counts.active_month}},
        "thumbnail": {
            "url": _thumbnail(request),
            "blurhash": None,
            "versions": {},
            "description": "",
        },
        "icon": [],
        "languages": _languages(),
        "configuration": {
            **configuration(),
            "urls": {
                "streaming": "",
                "status": None,
                "about": request.build_absolute_uri("/"),
                "privacy_policy": None,
                "terms_of_service": None,
            },
            "vapid": {"public_key": ""},
            "translation": {"enabled": False},
            "timelines_access": {
                "live_feeds": feeds,
                "hashtag_feeds": feeds,
                "trending_link_feeds": {"local": "disabled", "remote": "disabled"},
            },
            "limited_federation": False,
        },
        "registrations": {
            "enabled": registrations_open(request),
            "approval_required": False,
            "reason_required": False,
            "message": None,
            "min_age": None,
            "url": None,
        },
        "api_versions": {"mastodon": MASTODON_API_VERSION},
        "contact": {"email": contact_email(), "account": _contact_account(request)},
        "rules": rules(),
    }


@router.get("/v1/instance/rules", auth=None, response=list[schemas.Rule], summary="Rules")
def instance_rules(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the server's rules (MSG_RULES; none by default)."""
    return rules()


@router.get("/v1/instance/peers", auth=None, response=list[str], summary="Peers")
def instance_peers(request: HttpRequest) -> list[str]:
    """Return the other servers this one knows: none, msg does not federate (yet)."""
    return []


def _week_starts(now: datetime, weeks: int) -> list[datetime]:
    """Return the first moments (Monday 00:00 UTC) of the last weeks, this week first."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks)]


@router.get(
    "/v1/instance/activity",
    auth=None,
    response=list[schemas.InstanceActivity],
    summary="Weekly activity",
)
def instance_activity(request: HttpRequest) -> list[dict[str, str]]:
    """Return the last 12 weeks, this one first: posts written (not direct messages),
    accounts whose last login fell in the week, and accounts that joined."""
    weeks = selectors.weekly_activity(_week_starts(timezone.now(), ACTIVITY_WEEKS))
    return [
        {
            "week": str(int(week.start.timestamp())),
            "statuses": str(week.statuses),
            "logins": str(week.logins),
            "registrations": str(week.registrations),
        }
        for week in weeks
    ]


@router.get(
    "/v1/instance/extended_description",
    auth=None,
    response=schemas.ExtendedDescription,
    summary="Extended description",
)
def instance_extended_description(request: HttpRequest) -> dict[str, str]:
    """Return the server's description (MSG_SITE_DESCRIPTION) as HTML."""
    return {
        "updated_at": iso(STARTED_AT) or "",
        "content": linebreaks(settings.MSG_SITE_DESCRIPTION, autoescape=True),
    }


@router.get(
    "/v1/instance/translation_languages",
    auth=None,
    response=dict[str, list[str]],
    summary="Translation languages",
)
def instance_translation_languages(request: HttpRequest) -> dict[str, list[str]]:
    """Return the languages msg translates posts between: none."""
    return {}


@router.get(
    "/v1/instance/domain_blocks",
    auth=None,
    response=list[schemas.DomainBlock],
    summary="Blocked domains",
)
def instance_domain_blocks(request: HttpRequest) -> list[dict[str, str]]:
    """Return the domains this server blocks: none (msg does not federate yet)."""
    return []


@router.get(
    "/v1/instance/languages",
    auth=None,
    response=list[schemas.SupportedLocale],
    summary="Languages",
)
def instance_languages(request: HttpRequest) -> list[dict[str, str]]:
    """Return the languages msg's pages are written in (settings.LANGUAGES)."""
    return [{"code": code, "name": str(name)} for code, name in settings.LANGUAGES]


@router.get(
    "/v1/instance/terms_of_service",
    auth=None,
    response={404: schemas.Error},
    summary="Terms of service (none)",
)
def instance_terms_of_service(request: HttpRequest) -> dict[str, str]:
    """Answer 404, as Mastodon does when the server has published no terms of service."""
    raise HttpError(404, "Record not found")
