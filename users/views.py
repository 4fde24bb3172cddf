from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from users import services
from users.forms import ProfileForm
from users.http import MemberRequest


@require_http_methods(["GET", "POST"])
def settings_profile(request: MemberRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                user=user,
                display_name=form.cleaned_data["display_name"],
                bio=form.cleaned_data["bio"],
                avatar=form.cleaned_data.get("avatar"),
                remove_avatar=form.cleaned_data.get("remove_avatar", False),
                quote_policy=form.cleaned_data["quote_policy"],
            )
        except ValidationError as error:
            user.refresh_from_db()
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Profile saved.")
            return redirect("settings_profile")
    if form.errors:
        user.refresh_from_db()
    return render(request, "users/settings_profile.html", {"form": form})
