"""The documents other software reads outside /api/: WebFinger, host-meta and NodeInfo.

Plain Django views, open to anyone (login_not_required) even when MSG_PUBLIC_PAGES is off, as
the issue's privacy rule allows: they name an account that exists and the server's counts,
never a post. CORS covers them (CORS_URLS_REGEX). Bad input is a JSON 400 or 404, never a 500.
"""

import json
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_safe

from api.resources.instance import MSG_VERSION, local_hosts, registrations_open, usage
from users.models import CustomUser
from users.selectors import user_get_active

JRD = "application/jrd+json; charset=utf-8"
XRD = "application/xrd+xml; charset=utf-8"
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.0"
NODEINFO = f'application/json; profile="{NODEINFO_SCHEMA}#"; charset=utf-8'
PROFILE_PAGE = "http://webfinger.net/rel/profile-page"
# A day, as Mastodon lets WebFinger answers be cached (three days there; an account that
# is deactivated should stop resolving sooner).
CACHE_SECONDS = 86400


def _json(data: Any, *, content_type: str, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data), content_type=content_type, status=status)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _account_named(request: HttpRequest, resource: str) -> tuple[CustomUser, str] | None:
    """Return the active account resource names on this server (acct:name@host, or the
    address of its profile) and the host it was named at, or None."""
    if resource.lower().startswith("acct:"):
        name, at, host = unquote(resource[5:]).lstrip("@").rpartition("@")
        if not at:
            return None
    else:
        parts = urlsplit(resource)
        if parts.scheme not in ("http", "https") or not parts.path.startswith("/@"):
            return None
        host, name = parts.netloc, parts.path[2:].rstrip("/")
    host = host.lower()
    if host not in local_hosts(request):
        return None
    user = user_get_active(name).first()
    return (user, host) if user is not None else None


def _valid_resource(resource: str) -> bool:
    """Return whether resource is a URI WebFinger can look up (acct: or http(s):)."""
    if resource.lower().startswith("acct:"):
        return "@" in unquote(resource[5:])
    try:
        parts = urlsplit(resource)
    except ValueError:  # a malformed address, such as an unclosed "[" of an IPv6 host
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@login_not_required
@require_safe
def webfinger(request: HttpRequest) -> HttpResponse:
    """Describe an account of this server (RFC 7033): its profile page.

    A missing or malformed resource is a 400 (RFC 7033, section 4.2); an account that is not
    here (unknown, deactivated, or on another host) is a 404.
    """
    resource = request.GET.get("resource", "").strip()
    if not resource or "\x00" in resource or not _valid_resource(resource):
        return _error(400, "The resource parameter must be acct:name@host or an address")
    found = _account_named(request, resource)
    if found is None:
        return _error(404, "Record not found")
    user, host = found
    profile = request.build_absolute_uri(user.get_absolute_url())
    subject = f"acct:{user.username}@{host}"
    response = _json(
        {
            "subject": subject,
            "aliases": [profile],
            "links": [{"rel": PROFILE_PAGE, "type": "text/html", "href": profile}],
        },
        content_type=JRD,
    )
    response["Cache-Control"] = f"max-age={CACHE_SECONDS}, public"
    return response


@login_not_required
@require_safe
def host_meta(request: HttpRequest) -> HttpResponse:
    """Point at WebFinger (RFC 6415): XRD, or JRD with ?format=json."""
    template = request.build_absolute_uri(reverse("webfinger")) + "?resource={uri}"
    if request.GET.get("format") == "json":
        return _json({"links": [{"rel": "lrdd", "template": template}]}, content_type=JRD)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{escape(template)}"/>\n'
        "</XRD>\n"
    )
    return HttpResponse(body, content_type=XRD)


@login_not_required
@require_safe
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    """Point at the NodeInfo 2.0 document."""
    href = request.build_absolute_uri(reverse("nodeinfo"))
    return JsonResponse({"links": [{"rel": NODEINFO_SCHEMA, "href": href}]})


@login_not_required
@require_safe
def nodeinfo(request: HttpRequest) -> HttpResponse:
    """Describe the server (NodeInfo 2.0): software, sign-up, and counts.

    `protocols` is empty: msg does not federate (yet), and claiming ActivityPub would send
    other servers to an inbox that does not exist.
    """
    counts = usage()
    document = {
        "version": "2.0",
        "software": {"name": "msg", "version": MSG_VERSION},
        "protocols": [],
        "services": {"inbound": [], "outbound": []},
        "usage": {
            "users": {
                "total": counts.users,
                "activeMonth": counts.active_month,
                "activeHalfyear": counts.active_halfyear,
            },
            "localPosts": counts.statuses,
        },
        "openRegistrations": registrations_open(request),
        "metadata": {
            "nodeName": settings.MSG_SITE_TITLE,
            "nodeDescription": settings.MSG_SITE_DESCRIPTION,
        },
    }
    return _json(document, content_type=NODEINFO)
