"""Background work for accounts: sending email."""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task()
def send_email(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html_body: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Send one email through the configured email backend."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
