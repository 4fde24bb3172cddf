"""Shared helpers for the account tests: posting allauth forms and reading the mail they send."""

import re
from urllib.parse import urlsplit

from allauth.core.internal.ratelimit import Rate, parse_rates
from django.conf import settings
from django.core import mail
from django.forms import MultiWidget
from django.urls import reverse

from users.models import CustomUser

# A public address unlike the test client's host, so a link built from the request would show.
PUBLIC_SITE_URL = "https://msg.example.org"


def login(client, login: str, password: str, **extra):
    """POST the allauth login form."""
    return client.post(reverse("account_login"), {"login": login, "password": password, **extra})


def request_reset(client, email: str):
    """POST the allauth password-reset request form."""
    return client.post(reverse("account_reset_password"), {"email": email})


def signup(client, *, username: str, email: str, password1: str, password2: str | None = None):
    """POST the allauth signup form."""
    data = {
        "username": username,
        "email": email,
        "password1": password1,
        "password2": password1 if password2 is None else password2,
    }
    return client.post(reverse("account_signup"), data)


def is_logged_in(client) -> bool:
    """True when the client's session belongs to an authenticated user."""
    return "_auth_user_id" in client.session


def messages_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def links_in(message) -> list[str]:
    """Every URL in the message body that starts with settings.SITE_URL."""
    return re.findall(re.escape(settings.SITE_URL) + r"/\S+", message.body)


def path_of(url: str) -> str:
    return urlsplit(url).path


def rate(action: str, per: str) -> Rate:
    """The configured rate limit for action, for one kind of key ("ip" or "key")."""
    rates = [r for r in parse_rates(settings.ACCOUNT_RATE_LIMITS[action]) if r.per == per]
    assert len(rates) == 1, f"expected one {per} rate for {action}, got {rates}"
    return rates[0]


def change_form_data(admin_client, user: CustomUser, **changes) -> dict:
    """The admin change form's data for user as the page shows it, with changes applied."""
    response = admin_client.get(reverse("admin:users_customuser_change", args=[user.pk]))
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled or name == "password":
            continue
        value = form[name].value()
        if value is None or value is False:
            continue
        widget = field.widget
        if isinstance(widget, MultiWidget):  # a split date and time
            for index, part in enumerate(widget.decompress(value)):
                data[f"{name}_{index}"] = part.isoformat()
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
