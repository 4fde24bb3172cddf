"""{% reltime %}: one short, relative label for every time msg shows, exact in the title."""

import re
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core.templatetags.msg_time import exact_label, relative_label

NOW = datetime(2026, 12, 1, 19, 5, tzinfo=UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def _english_utc():
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("UTC")):
        yield


@pytest.mark.parametrize(
    ("ago", "label"),
    [
        (timedelta(0), "now"),
        (timedelta(seconds=59), "now"),
        (timedelta(seconds=-30), "now"),  # a clock slightly ahead
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=59, seconds=59), "59m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=23, minutes=59), "23h"),
        (timedelta(hours=24), "Nov 30"),
        (timedelta(days=334), "Jan 1"),
        (timedelta(days=335), "Dec 31, 2025"),
        (timedelta(days=800), "Sep 22, 2024"),
    ],
)
def test_relative_label_at_each_boundary(ago, label):
    assert relative_label(NOW - ago, now=NOW) == label


def test_this_year_is_the_readers_year():
    """Just after midnight on New Year's Day in Tokyo, a post from the 30th is last year's."""
    now = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)  # Jan 1, 00:30 in Tokyo
    then = now - timedelta(days=1)
    assert relative_label(then, now=now) == "Dec 30"
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        assert relative_label(then, now=now) == "Dec 31, 2026"


def test_title_is_the_exact_time_in_the_readers_zone():
    when = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)
    assert exact_label(when) == "Tuesday, December 1, 2026, 14:05 UTC"
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        assert exact_label(when) == "Tuesday, December 1, 2026, 09:05 EST"
    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        assert exact_label(when) == "Tuesday, December 1, 2026, 15:05 CET"


def test_the_day_label_follows_the_readers_zone():
    """At 02:00 UTC a post from 22:00 UTC the day before is a day ago in Sydney terms."""
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    then = datetime(2026, 11, 28, 22, 0, tzinfo=UTC)
    assert relative_label(then, now=now) == "Nov 28"
    with timezone.override(zoneinfo.ZoneInfo("Australia/Sydney")):  # 09:00 on the 29th there
        assert relative_label(then, now=now) == "Nov 29"


def test_german_uses_german_names():
    then = NOW - timedelta(days=2)  # Sunday, November 29
    with translation.override("de"):
        assert "Nov" in relative_label(then, now=NOW)
        assert "Sonntag" in exact_label(then)
        assert "November" in exact_label(then)
        last_year = relative_label(NOW - timedelta(days=370), now=NOW)
        assert "Nov" in last_year and "2025" in last_year
        assert "Dez" in relative_label(datetime(2025, 12, 24, tzinfo=UTC), now=NOW)
        assert "Okt" in relative_label(datetime(2026, 10, 3, tzinfo=UTC), now=NOW)


def test_tag_renders_a_time_element():
    when = NOW - timedelta(hours=3)
    html = Template("{% load msg_time %}{% reltime when now=now %}").render(
        Context({"when": when, "now": NOW})
    )
    match = re.fullmatch(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', html)
    assert match is not None, html
    assert datetime.fromisoformat(match[1]) == when
    assert match[2] == exact_label(when)
    assert match[3] == "3h"


def test_tag_uses_the_current_time(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    html = Template("{% load msg_time %}{% reltime when %}").render(
        Context({"when": NOW - timedelta(minutes=5)})
    )
    assert ">5m</time>" in html


def test_tag_renders_nothing_for_no_time():
    assert Template("{% load msg_time %}{% reltime when %}").render(Context({"when": None})) == ""


def test_monthtime_shows_month_and_year():
    html = Template("{% load msg_time %}{% monthtime when %}").render(Context({"when": NOW}))
    assert ">December 2026</time>" in html
    assert f'title="{exact_label(NOW)}"' in html


def test_exact_time_filter_is_the_title_in_the_readers_zone():
    later = NOW + timedelta(days=3)
    rendered = Template("{% load msg_time %}{{ when|exact_time }}").render(Context({"when": later}))
    assert rendered == exact_label(later)
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        assert "EST" in Template("{% load msg_time %}{{ when|exact_time }}").render(
            Context({"when": later})
        )
