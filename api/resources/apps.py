"""Client apps: POST /api/v1/apps registers one, GET /api/v1/apps/verify_credentials shows
the app a token belongs to. The OAuth endpoints themselves are in api.oauth."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from ninja import Form, Router, Schema
from ninja.errors import AuthenticationError
from pydantic import Field

from api import schemas
from api.auth import Scoped, token_of
from api.oauth_validator import OOB, registered_redirect_uris, registered_scopes
from api.services.apps import app_create

router = Router(tags=["apps"])

# msg has no Web Push, so no VAPID key; clients treat the empty string as "no push".
VAPID_KEY = ""


class AppForm(Schema):
    client_name: str = Field(description="The app's name, shown on the consent page")
    redirect_uris: str | list[str] = Field(
        description=f"Where to send the code: URIs one a line (or `redirect_uris[]`); {OOB} "
        "shows the code instead"
    )
    scopes: str | list[str] = Field("read", description="Space-separated scopes the app may ask")
    website: str | None = Field(None, description="The app's home page")


class AnyToken(Scoped):
    """Ninja auth: any valid token, of an account or of the app itself (Mastodon 4.3+)."""

    def __init__(self) -> None:
        super().__init__("read", app_only=True)

    def __call__(self, request: HttpRequest) -> Any:
        token = token_of(request)
        if token is None:
            raise AuthenticationError(401, "The access token is invalid")
        return token


def application_entity(application: Any) -> dict[str, Any]:
    """Return the Application entity of an OAuth application (with its client app row)."""
    try:
        website = application.client_app.website or None
    except ObjectDoesNotExist:
        website = None
    uris = registered_redirect_uris(application)
    return {
        "id": str(application.pk),
        "name": application.name,
        "website": website,
        "scopes": registered_scopes(application),
        "redirect_uri": "\n".join(uris),
        "redirect_uris": uris,
        "vapid_key": VAPID_KEY,
    }


@router.post(
    "/v1/apps",
    response={200: schemas.CredentialApplication, 422: schemas.Error},
)
def apps_create(request: HttpRequest, form: Form[AppForm]) -> dict[str, Any]:
    """Register a client app; the answer holds its client secret, shown this once."""
    registered = app_create(
        name=form.client_name,
        redirect_uris=form.redirect_uris,
        scopes=form.scopes,
        website=form.website or "",
    )
    return {
        **application_entity(registered.application),
        "client_id": registered.application.client_id,
        "client_secret": registered.client_secret,
        "client_secret_expires_at": 0,
    }


@router.get(
    "/v1/apps/verify_credentials",
    auth=AnyToken(),
    response={200: schemas.ClientApplication, 401: schemas.Error},
)
def apps_verify_credentials(request: HttpRequest) -> dict[str, Any]:
    """Return the app the token was issued to (an account's token or the app's own)."""
    token = request.auth  # type: ignore[attr-defined]
    return application_entity(token.application)
