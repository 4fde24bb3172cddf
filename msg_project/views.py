from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer ok after a round trip to the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


@login_not_required
def media(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """Serve an uploaded file from MEDIA_ROOT as it is at request time (tests move it)."""
    return static.serve(request, path, document_root=settings.MEDIA_ROOT)
