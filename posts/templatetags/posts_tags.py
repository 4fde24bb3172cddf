from django import template
from django.utils.safestring import SafeString

from posts.text import render_body

register = template.Library()


@register.filter(name="render_body")
def render_body_filter(text: str) -> SafeString:
    """Render a post body as safe HTML (see posts.text)."""
    return render_body(text)
