from functools import partial
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest

from users.tasks import send_email


def site_absolute_url(url: str) -> str:
    """Return url moved onto SITE_URL, the public address that emails link to."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return settings.SITE_URL + path


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with links on SITE_URL and mail queued as a task after commit."""

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
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
        message = self.render_mail(template_prefix, email, ctx)
        html_body = None
        if isinstance(message, EmailMultiAlternatives):
            html_body = next(
                (str(c) for c, mime in message.alternatives if mime == "text/html"), None
            )
        transaction.on_commit(
            partial(
                send_email.enqueue,
                subject=str(message.subject),
                body=str(message.body),
                from_email=str(message.from_email),
                to=list(message.to),
                html_body=html_body,
                headers=dict(message.extra_headers) or None,
            )
        )
