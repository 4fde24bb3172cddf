from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from users.forms import CustomUserChangeForm, CustomUserCreationForm
from users.models import CustomUser
from users.services import email_address_mark_verified, user_delete


class CustomUserAdmin(UserAdmin):
    model = CustomUser
    add_form = CustomUserCreationForm
    form = CustomUserChangeForm
    list_display = ["username", "email", "is_staff", "is_active", "date_joined"]
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                # No "usable_password": that field belongs to AdminUserCreationForm, and
                # CustomUserCreationForm lacks it, so listing it made the add page crash.
                "fields": ("username", "email", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # The operator vouches for the address, so mandatory verification does not lock
            # the new user out.
            email_address_mark_verified(user=obj)

    def delete_model(self, request, obj) -> None:
        user_delete(user=obj)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            user_delete(user=user)


admin.site.register(CustomUser, CustomUserAdmin)
