"""{% static_or_plain path %}: a static file's address for the 500 page, which must never fail.

{% static %} asks the storage, and the manifest storage used in production raises when its
manifest is missing or lacks the file (collectstatic not run, or run before the file was
added). On the page shown because something already broke, that would raise again and leave
the visitor with the web server's bare error. This tag falls back to the file's plain address
under STATIC_URL (WhiteNoise serves collected files under their plain names too)."""

from urllib.parse import quote, urljoin

from django import template
from django.conf import settings
from django.templatetags.static import static

register = template.Library()


@register.simple_tag
def static_or_plain(path: str) -> str:
    """Return static(path), or the plain STATIC_URL address when the storage cannot say."""
    try:
        return static(path)
    except Exception:  # the error page renders whatever else is broken
        return urljoin(settings.STATIC_URL or "/static/", quote(path))
