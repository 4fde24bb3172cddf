"""Instance: /api/v1/instance and /api/v2/instance (placeholder until the instance module is
written in full)."""

from django.http import HttpRequest
from ninja import Router

router = Router(tags=["instance"])


@router.get("/v1/instance", auth=None)
def instance_v1(request: HttpRequest) -> dict:
    return {"version": "4.7.0 (compatible; msg 0.1.0)"}
