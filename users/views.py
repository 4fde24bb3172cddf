from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from msg_project.http import MemberRequest
from posts import selectors
from posts.views import render_timeline
from users.models import CustomUser


@require_GET
def profile(request: MemberRequest, username: str) -> HttpResponse:
    author = get_object_or_404(CustomUser, username__iexact=username, is_active=True)
    return render_timeline(
        request, "users/profile.html", selectors.user_posts(author=author), {"profile": author}
    )
