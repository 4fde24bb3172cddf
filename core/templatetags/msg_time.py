"""One way to show when something happened: {% reltime value %}.

A short label relative to now ("now", "5m", "3h", "Nov 28", "Nov 28, 2025") inside a <time>
element whose title holds the exact date and time in the reader's time zone (the one
users.middleware activates). The server renders both, so pages read the same without
JavaScript.
"""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

register = template.Library()

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def relative_label(value: datetime, *, now: datetime) -> str:
    """Return how long ago value was, as a card shows it, in the active language and zone."""
    elapsed = now - value
    # A time a little ahead of ours (another server's clock) is "now" too.
    if elapsed < MINUTE:
        return pgettext("time since, under a minute", "now")
    if elapsed < HOUR:
        return pgettext("time since, in minutes (short)", "%(count)dm") % {
            "count": elapsed // MINUTE
        }
    if elapsed < DAY:
        return pgettext("time since, in hours (short)", "%(count)dh") % {"count": elapsed // HOUR}
    local = timezone.localtime(value)
    if local.year == timezone.localtime(now).year:
        # Date format characters (as in the |date filter): "M j" gives "Nov 28".
        return date_format(local, pgettext("date format: a day this year", "M j"))
    return date_format(local, pgettext("date format: a day in another year", "M j, Y"))


def exact_label(value: datetime) -> str:
    """Return the full date and time of value in the active zone, with the zone's name."""
    # "l, F j, Y, H:i T" gives "Tuesday, December 1, 2026, 14:05 CET".
    return date_format(
        timezone.localtime(value), pgettext("date format: full date and time", "l, F j, Y, H:i T")
    )


@register.simple_tag
def reltime(value: datetime | None, now: datetime | None = None) -> SafeString | str:
    """Render value as <time datetime="ISO" title="exact time">short label</time>."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(timespec="seconds"),
        exact_label(value),
        relative_label(value, now=now or timezone.now()),
    )


@register.simple_tag
def monthtime(value: datetime | None) -> SafeString | str:
    """Render value's month and year ("December 2026"), with the exact time in the title."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(timespec="seconds"),
        exact_label(value),
        date_format(timezone.localtime(value), get_format("YEAR_MONTH_FORMAT")),
    )


@register.filter
def exact_time(value: datetime | None) -> str:
    """Return value's full date and time in the reader's zone, for a title (future times too)."""
    return exact_label(value) if value is not None else ""
