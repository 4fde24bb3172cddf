"""Client apps: registering one (POST /api/v1/apps) and revoking a member's authorization."""

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
)

from api.models import ClientApp
from api.oauth_validator import (
    REDIRECT_URIS_MAX_LENGTH,
    known_scopes,
    redirect_uri_problem,
)
from users.models import CustomUser

Application = get_application_model()
AccessToken = get_access_token_model()
Grant = get_grant_model()
RefreshToken = get_refresh_token_model()

NAME_MAX_LENGTH = 60  # Mastodon's limit on an app's name
WEBSITE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class RegisteredApp:
    """A new app, with its client secret in the clear: the only time anyone sees it."""

    application: Any
    client_app: ClientApp
    client_secret: str


# What may separate words in a field; every other control character (NUL, ESC, the separators
# \x1c-\x1f that str.split() takes for spaces, ...) is refused.
_SPACES = frozenset("\t\n\r")


_LABELS = {"client_name": "Name", "redirect_uris": "Redirect URI", "website": "Website"}


def _refuse_control_characters(**fields: str | list[str]) -> None:
    """Raise ValidationError for the first field holding a control character: no column can
    store a NUL (PostgreSQL refuses it), and the others would reach the consent page."""
    for field, value in fields.items():
        for item in [value] if isinstance(value, str) else value:
            if any(unicodedata.category(char) == "Cc" and char not in _SPACES for char in item):
                raise ValidationError(
                    {field: f"{_LABELS[field]} must not contain control characters"},
                    code="invalid",
                )


def _words(value: str | list[str]) -> list[str]:
    """Return the whitespace-separated words of value (text, or a list of texts), once each."""
    items = [value] if isinstance(value, str) else value
    return list(dict.fromkeys(word for item in items for word in item.split()))


def _clean_scopes(scopes: str | list[str]) -> list[str]:
    wanted = _words(scopes) or ["read"]
    known = set(known_scopes())
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise ValidationError(
            {"scopes": f"Unknown scope: {', '.join(unknown)}"}, code="unknown_scope"
        )
    return wanted


def _clean_redirect_uris(redirect_uris: str | list[str]) -> list[str]:
    uris = _words(redirect_uris)
    if not uris:
        raise ValidationError({"redirect_uris": "Redirect URI can't be blank"}, code="required")
    for uri in uris:
        problem = redirect_uri_problem(uri)
        if problem is not None:
            raise ValidationError({"redirect_uris": f"Redirect URI {problem}"}, code="invalid")
    if len("\n".join(uris)) > REDIRECT_URIS_MAX_LENGTH:
        raise ValidationError(
            {"redirect_uris": f"Redirect URI is too long (at most {REDIRECT_URIS_MAX_LENGTH})"},
            code="max_length",
        )
    return uris


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"client_name": "Name can't be blank"}, code="required")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"client_name": f"Name is too long (at most {NAME_MAX_LENGTH} characters)"},
            code="max_length",
        )
    return name


def _clean_website(website: str) -> str:
    website = website.strip()
    if not website:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(website)
    except ValidationError as error:
        raise ValidationError({"website": "Website is not a valid URL"}, code="invalid") from error
    if len(website) > WEBSITE_MAX_LENGTH:
        raise ValidationError({"website": "Website is too long"}, code="max_length")
    return website


@transaction.atomic
def app_create(
    *,
    name: str,
    redirect_uris: str | list[str],
    scopes: str | list[str] = "read",
    website: str = "",
) -> RegisteredApp:
    """Register a client app: an OAuth application with a new client id and secret.

    redirect_uris is newline- (or space-) separated text or a list; each must pass
    api.oauth_validator.redirect_uri_problem. scopes must all be known (default "read").
    The secret is stored hashed; the one in the answer is the only copy in the clear.
    """
    _refuse_control_characters(client_name=name, redirect_uris=redirect_uris, website=website)
    clean_name = _clean_name(name)
    uris = _clean_redirect_uris(redirect_uris)
    clean_scopes = _clean_scopes(scopes)
    clean_website = _clean_website(website)
    secret = generate_client_secret()
    application = Application(
        name=clean_name,
        redirect_uris="\n".join(uris),
        client_type=Application.CLIENT_CONFIDENTIAL,
        # The validator lets every app use each grant msg offers; the field needs one value.
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,
        algorithm=Application.NO_ALGORITHM,
    )
    application.save()  # the toolkit's clean() refuses custom schemes such as tusky://
    client_app = ClientApp(
        application=application, website=clean_website, scopes=" ".join(clean_scopes)
    )
    client_app.full_clean()
    client_app.save()
    return RegisteredApp(application=application, client_app=client_app, client_secret=secret)


@transaction.atomic
def authorization_revoke(*, user: CustomUser, application: Any) -> int:
    """Take back everything user let application do: its tokens and unused codes for user.

    Return how many access tokens were revoked. The app stays registered (other members
    may use it); its requests with user's tokens get 401 from now on.
    """
    RefreshToken.objects.filter(user=user, application=application).delete()
    Grant.objects.filter(user=user, application=application).delete()
    _, deleted = AccessToken.objects.filter(user=user, application=application).delete()
    return deleted.get(AccessToken._meta.label, 0)
