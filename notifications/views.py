from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.http import max_id_param
from core.pagination import paginate
from notifications import selectors, services
from users.http import MemberRequest


@require_GET
def notification_list(request: MemberRequest) -> HttpResponse:
    """Newest first. Opening the page marks them read; this page still flags which were new."""
    page = paginate(selectors.for_page(request.user), max_id=max_id_param(request))
    services.notifications_mark_read(user=request.user)
    if request.htmx and request.GET.get("max_id"):
        return render(request, "notifications/list.html#page", {"page": page})
    return render(request, "notifications/list.html", {"page": page})
