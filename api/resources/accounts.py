"""Accounts: /api/v1/accounts/... (verify_credentials so far; the module grows)."""

from django.http import HttpRequest
from ninja import Router

from api import schemas
from api.auth import Scoped, user_of
from api.entities import Entities

router = Router(tags=["accounts"])


@router.get(
    "/v1/accounts/verify_credentials",
    auth=Scoped("read:accounts"),
    response={200: schemas.CredentialAccount},
)
def verify_credentials(request: HttpRequest) -> dict:
    """Return the token's own account, with `source`."""
    user = user_of(request)
    return Entities(request, user).credential_account(user)
