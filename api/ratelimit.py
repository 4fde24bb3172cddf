"""Mastodon's API rate limits: 300 requests per 5 minutes per IP address without a token and
1,500 per 5 minutes per account with one, with X-RateLimit-* headers and a JSON 429.

The counters live in Django's cache (Redis when REDIS_URL is set, so they hold across app
nodes), in fixed windows. MSG_API_RATE_LIMIT_EXEMPT_LOOPBACK spares 127.0.0.1 and ::1.
"""

import time
from datetime import UTC, datetime

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.errors import AuthenticationError

from api import auth

LOOPBACK = {"127.0.0.1", "::1"}


def client_ip(request: HttpRequest) -> str:
    """Return the client's address: behind TRUSTED_PROXY_COUNT proxies, from X-Forwarded-For
    (allauth's reading, so the API and the login limits count the same address)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):
        # A forged or short X-Forwarded-For: count the connection's own address.
        return request.META.get("REMOTE_ADDR", "")


def _key_and_limit(request: HttpRequest) -> tuple[str, int, int] | None:
    ip = client_ip(request)
    if settings.MSG_API_RATE_LIMIT_EXEMPT_LOOPBACK and ip in LOOPBACK:
        return None
    try:
        token = auth.token_of(request)
    except AuthenticationError:
        token = None
    if token is not None and token.user_id is not None:
        limit, period = settings.MSG_API_RATE_LIMIT_USER
        return f"api-rl:user:{token.user_id}", limit, period
    limit, period = settings.MSG_API_RATE_LIMIT_ANON
    return f"api-rl:ip:{ip}", limit, period


def check(request: HttpRequest) -> HttpResponse | None:
    """Count the request; return a 429 response when its window is spent, else None."""
    found = _key_and_limit(request)
    if found is None:
        return None
    key, limit, period = found
    now = time.time()
    window = int(now // period)
    reset = (window + 1) * period
    bucket = f"{key}:{window}"
    if cache.add(bucket, 1, timeout=period + 5):
        used = 1
    else:
        try:
            used = cache.incr(bucket)
        except ValueError:  # expired between add and incr
            cache.add(bucket, 1, timeout=period + 5)
            used = 1
    request._api_rate = (limit, max(0, limit - used), reset)  # type: ignore[attr-defined]
    if used > limit:
        response = JsonResponse({"error": "Too many requests"}, status=429)
        response["Retry-After"] = str(max(1, int(reset - now)))
        add_headers(request, response)
        return response
    return None


def add_headers(request: HttpRequest, response: HttpResponse) -> None:
    """Add X-RateLimit-Limit, -Remaining and -Reset (ISO 8601) when the request was counted."""
    rate = getattr(request, "_api_rate", None)
    if rate is None:
        return
    limit, remaining, reset = rate
    response["X-RateLimit-Limit"] = str(limit)
    response["X-RateLimit-Remaining"] = str(remaining)
    moment = datetime.fromtimestamp(reset, tz=UTC).isoformat(timespec="milliseconds")
    response["X-RateLimit-Reset"] = moment.replace("+00:00", "Z")
