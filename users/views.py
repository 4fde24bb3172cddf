from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from users import services
from users.forms import PreferencesForm, ProfileForm
from users.http import MemberRequest


def _preferences_form(request: MemberRequest) -> PreferencesForm:
    user = request.user
    return PreferencesForm(initial={"time_zone": user.time_zone, "language": user.language})


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
            messages.success(request, _("Profile saved."))
            return redirect("settings_profile")
    if form.errors:
        user.refresh_from_db()
    context = {"form": form, "preferences_form": _preferences_form(request)}
    return render(request, "users/settings_profile.html", context)


@require_POST
def settings_preferences(request: MemberRequest) -> HttpResponse:
    """Save the language and time zone chosen on the profile settings page."""
    user = request.user
    preferences = PreferencesForm(request.POST)
    if preferences.is_valid():
        try:
            services.preferences_update(
                user=user,
                time_zone=preferences.cleaned_data["time_zone"],
                language=preferences.cleaned_data["language"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                preferences.add_error(field if field in preferences.fields else None, errors)
        else:
            # Confirm in the language the next page is shown in, not the one just left: the
            # chosen one, or the browser's when the choice is now blank.
            language = user.language or translation.get_language_from_request(request)
            with translation.override(language):
                messages.success(request, _("Language and time zone saved."))
            return redirect("settings_profile")
    context = {"form": ProfileForm(instance=user), "preferences_form": preferences}
    return render(request, "users/settings_profile.html", context, status=400)


@require_POST
def settings_time_zone(request: MemberRequest) -> HttpResponse:
    """Record the time zone the browser reports (static/js/timezone.js) if none is set yet.

    204 whether or not it was recorded (a zone the member chose stays); 400 for a name that is
    not a time zone.
    """
    try:
        services.time_zone_fill(user=request.user, time_zone=request.POST.get("time_zone", ""))
    except ValidationError:
        return HttpResponseBadRequest(_("Unknown time zone."), content_type="text/plain")
    return HttpResponse(status=204)
