"""allauth, fitted to msg: the account adapter."""

import contextlib
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils import translation

from users.models import CustomUser
from users.selectors import account_for_address, account_for_login
from users.services import user_create
from users.tasks import send_email


def site_absolute_url(url: str) -> str:
    """Return url moved onto SITE_URL, the public address that emails link to."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return settings.SITE_URL + path


def _failed_logins_key(request: HttpRequest, key: str) -> str:
    """Return the key the login_failed rate limit counts under."""
    return f"{get_current_site(request).domain}:{key.lower()}"


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with links on SITE_URL, mail queued as a task after commit, and the failed-login
    limit counted per account."""

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys failed logins by what was typed, so an account's username and its address
        # were two keys, each with the full allowance of guesses. Key by the account instead.
        login = credentials.get("email") or credentials.get("username") or ""
        user = account_for_login(login) if login else None
        return _failed_logins_key(request, f"account:{user.pk}" if user else f"login:{login}")

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth unlocks, after a password reset, every address listed on the account, including
        # one it is only changing to: that would unlock the stranger who owns it. set_password()
        # unlocks the account itself instead.
        pass

    def set_password(self, user: AbstractBaseUser, password: str) -> None:
        """Set the password, and forget the failed guesses at the old one (reset or change)."""
        super().set_password(user, password)
        if self.request is not None:
            ratelimit.clear(
                self.request,
                app="allauth.account",
                action="login_failed",
                key=_failed_logins_key(self.request, f"account:{user.pk}"),
            )

    def save_user(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        form: BaseForm,
        commit: bool = True,
    ) -> CustomUser:
        """Create the signing-up user with user_create; allauth then adds the unverified address
        and mails the confirmation link.

        allauth passes an unsaved user and commit=False only for social accounts, which msg
        does not have; the returned user is the one allauth carries on with.
        """
        data = form.cleaned_data
        return user_create(
            username=data["username"],
            email=data["email"],
            password=data.get("password1") or None,
        )

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        """Confirm the address, unless another account has taken it since it was added."""
        holder = account_for_address(email_address.email)
        if holder is not None and holder.pk != email_address.user_id:
            self._refuse_taken_address(request, email_address)
            return False
        try:
            with transaction.atomic():
                return super().confirm_email(request, email_address)
        except IntegrityError:
            # Taken between the check and the write (CustomUser's unique address).
            self._refuse_taken_address(request, email_address)
            return False

    def _refuse_taken_address(self, request: HttpRequest, email_address: EmailAddress) -> None:
        self.add_message(
            request,
            messages.ERROR,
            "account/messages/email_taken_by_another_account.txt",
            {"email": email_address.email},
        )

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return site_absolute_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return site_absolute_url(super().get_reset_password_from_key_url(key))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {"site_url": settings.SITE_URL, **context}
        request = self.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        # Written in the language the recipient chose, whoever's browser asked for it (a reset
        # requested from a German browser for an English-speaking member, say); with no choice,
        # in the language of the request.
        recipient = context.get("user")
        if not isinstance(recipient, CustomUser):
            recipient = account_for_address(email)
        language = recipient.language if recipient is not None else ""
        with translation.override(language) if language else contextlib.nullcontext():
            message = self.render_mail(template_prefix, email, ctx)
        html_body = None
        if isinstance(message, EmailMultiAlternatives):
            html_body = next(
                (str(c) for c, mime in message.alternatives if mime == "text/html"), None
            )
        # robust: the account change is committed; a queue that is down is logged, not a 500.
        transaction.on_commit(
            partial(
                send_email.enqueue,
                subject=str(message.subject),
                body=str(message.body),
                from_email=str(message.from_email),
                to=list(message.to),
                html_body=html_body,
                headers=dict(message.extra_headers) or None,
            ),
            robust=True,
        )
