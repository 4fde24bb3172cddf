"""The German catalogue: complete, compiled, and what the pages show.

msg ships one complete second language. These tests read the committed catalogue
(locale/de/LC_MESSAGES/django.po and its compiled django.mo) and render the main pages in
English and in German, with the same data, to find any text left in English.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from conversations.services import message_send
from lists.services import list_create, list_member_add
from posts.services import post_bookmark, post_edit, post_like, post_repost
from social.services import follow_create
from tests.factories import PostFactory, UserFactory
from users.models import available_time_zones
from users.services import preferences_update, user_create

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

# %(name)s / %(count)d (python-format) and {name} / {text:.20} (python-brace-format).
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{(\w+)(?:[:!][^}]*)?\}")


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def parse_po(text: str) -> list[Entry]:
    """Return the entries of a .po file (a small parser: no obsolete #~ entries expected)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry = Entry(msgid="")
        current: str | None = None
        parts: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line
            ):
                current = match.group(1)
                parts[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current is not None:
                parts[current] += ast.literal_eval(line)
            else:
                raise AssertionError(f"Cannot read this line of {PO_PATH.name}: {line!r}")
        if "msgid" not in parts:
            continue
        entry.msgid = parts["msgid"]
        entry.msgctxt = parts.get("msgctxt")
        entry.msgid_plural = parts.get("msgid_plural")
        entry.msgstr = [v for k, v in sorted(parts.items()) if k.startswith("msgstr")]
        entries.append(entry)
    return entries


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = [e for e in parse_po(PO_PATH.read_text(encoding="utf-8")) if e.msgid]
    assert entries, "the German catalogue is empty"
    return entries


def test_every_message_is_translated_with_the_same_placeholders(catalogue):
    problems = []
    for entry in catalogue:
        label = f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {label}")
        if not entry.msgstr or not all(entry.msgstr):
            problems.append(f"untranslated: {label}")
            continue
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for msgstr in entry.msgstr:
            if placeholders(msgstr) != expected:
                problems.append(f"placeholders differ: {label} -> {msgstr!r}")
    assert not problems, "\n".join(problems)


def test_the_committed_mo_matches_the_po(catalogue):
    """django.mo is compiled from the current django.po (run `make messages` after editing)."""
    with MO_PATH.open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    stale = []
    for entry in catalogue:
        if entry.msgid_plural is not None:
            got = [
                compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                if entry.msgctxt
                else compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                for n in (1, 2)
            ]
            want = entry.msgstr[:2]
        else:
            got = [
                compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else compiled.gettext(entry.msgid)
            ]
            want = entry.msgstr[:1]
        if got != want:
            stale.append(f"{entry.msgid!r}: .mo has {got!r}, .po has {want!r}")
    assert not stale, "django.mo is older than django.po:\n" + "\n".join(stale)


def test_placeholder_check_catches_a_dropped_placeholder():
    assert placeholders("Added @%(name)s to %(list)s.") == {"name", "list"}
    assert placeholders("limited to {limit}; “{text:.20}…” has {length}") == {
        "limit",
        "text",
        "length",
    }
    assert placeholders("Hinzugefügt.") != placeholders("Added @%(name)s.")


# --- Pages: render in English and in German, find text left in English. ---

# Every piece of user-supplied text in the page data starts with this marker, so it is easy to
# skip (names hold it too).
MARKER = "zorblax"

# Words that are the same in both languages on purpose: the brand, formats, abbreviations.
SAME_IN_BOTH = {
    "msg",
    "alt",
    "rss",
    "jpeg",
    "png",
    "webp",
    "gif",
    "url",
    "http",
    "https",
    "html",
    "text",
    "name",
    "option",
    "links",
    "start",
    "status",
    "hashtag",
    "hashtags",
    "emoji",
}

# Attributes whose text a person sees or hears (screen readers).
READ_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "aria-description"}


class _Texts(HTMLParser):
    """Collect the visible text nodes and the read attributes of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or (name == "value" and tag == "button")):
                self.texts.append(value)
            if value and name == "value" and tag == "input":
                kind = dict(attrs).get("type")
                if kind in ("submit", "button"):
                    self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(content: str) -> set[str]:
    parser = _Texts()
    parser.feed(content)
    return set(parser.texts)


def english_words(text: str, names: set[str]) -> list[str]:
    """Return the words of text that would have to be translated."""
    words = re.findall(r"[A-Za-z][A-Za-z'\u2019]+", text)
    return [
        w
        for w in words
        if len(w) > 2
        and MARKER not in w.lower()
        and w.lower() not in SAME_IN_BOTH
        and w.lower() not in names
    ]


@pytest.fixture
def page_data(db, commits):
    """A member with a timeline, a notification, a message, a bookmark and a list."""
    member = user_create(
        username=f"{MARKER}member", email="m@example.com", password=None, email_verified=True
    )
    author = user_create(
        username=f"{MARKER}author", email="a@example.com", password=None, email_verified=True
    )
    # Someone the member does not follow yet: the sidebar suggests them (who to follow).
    other = user_create(
        username=f"{MARKER}other", email="o@example.com", password=None, email_verified=True
    )
    follow_create(follower=member, followee=author)
    follow_create(follower=author, followee=member)
    follow_create(follower=other, followee=author)
    post = PostFactory(author=author, body=f"{MARKER} one #{MARKER}tag")
    own = PostFactory(author=member, body=f"{MARKER} two")
    post_like(user=author, post=own)
    post_repost(user=author, post=own)
    post_edit(user=member, post=own, body=f"{MARKER} two, edited")
    post_bookmark(user=member, post=post)
    message_send(author=author, body=f"{MARKER} three", recipients=[member])
    list_ = list_create(owner=member, title=f"{MARKER} list")
    list_member_add(owner=member, list_=list_, user=author)
    member_pages = [
        reverse("home"),
        reverse("explore"),
        post.get_absolute_url(),
        author.get_absolute_url(),
        reverse("notifications"),
        reverse("conversations"),
        reverse("settings_profile"),
        reverse("settings_filters"),
        f"{reverse('search')}?q={MARKER}",
        reverse("bookmarks"),
        reverse("lists"),
        reverse("list_detail", kwargs={"pk": list_.pk}),
        reverse("sidebar"),
        reverse("relationship_action", kwargs={"username": author.username, "action": "block"}),
        reverse("post_likes", kwargs={"username": member.username, "pk": own.pk}),
        reverse("post_reposts", kwargs={"username": member.username, "pk": own.pk}),
        reverse("post_history", kwargs={"username": member.username, "pk": own.pk}),
        reverse("post_edit", kwargs={"username": member.username, "pk": own.pk}),
        reverse("post_delete", kwargs={"username": member.username, "pk": own.pk}),
        reverse("followers", kwargs={"username": member.username}),
        reverse("following", kwargs={"username": member.username}),
        reverse("settings_blocks"),
        reverse("settings_mutes"),
        reverse("tag", kwargs={"name": f"{MARKER}tag"}),
    ]
    # A visitor sees the landing page at / (home), and the log-in and sign-up pages.
    visitor_pages = [reverse("home"), reverse("account_login"), reverse("account_signup")]
    names = {member.username, author.username, other.username}
    return member, member_pages, visitor_pages, names


# Texts that are data, the same in every language: time zone names (IANA identifiers, as the
# time zone menu shows them) and each language's name in its own language (the language menu).
DATA_TEXTS = {name.replace("_", " ") for name in available_time_zones()} | {
    str(name) for _, name in settings.LANGUAGES
}


def _untranslated(english: str, german: str, names: set[str]) -> list[str]:
    same = (visible_texts(english) & visible_texts(german)) - DATA_TEXTS
    # A text that starts with the marker is user content (a post, a list name, a title).
    same = {text for text in same if not text.lstrip("@#").lower().startswith(MARKER)}
    return sorted(text for text in same if english_words(text, names))


def test_main_pages_show_no_english_in_german(client, page_data):
    member, member_pages, visitor_pages, names = page_data
    problems: list[str] = []

    def fetch(url: str, accept: str, data: dict | None = None, status: int = 200) -> str:
        if data is None:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=accept)
        else:
            response = client.post(url, data, HTTP_ACCEPT_LANGUAGE=accept)
        assert response.status_code == status, f"{url} answered {response.status_code}"
        return response.content.decode()

    for url in visitor_pages:
        for text in _untranslated(fetch(url, "en"), fetch(url, "de"), names):
            problems.append(f"{url} (visitor, browser in German): {text!r}")

    client.force_login(member)
    for url in member_pages:
        english = fetch(url, "en")
        for text in _untranslated(english, fetch(url, "de"), names):
            problems.append(f"{url} (browser in German): {text!r}")
        preferences_update(user=member, time_zone="", language="de")
        for text in _untranslated(english, fetch(url, "en"), names):
            problems.append(f"{url} (member chose German): {text!r}")
        preferences_update(user=member, time_zone="", language="")

    # The language and time zone form with an error (settings_preferences answers 400), and a
    # page that is not there (the 404 page).
    url = reverse("settings_preferences")
    refused = {"language": "de", "time_zone": "Not/A_Zone"}
    for text in _untranslated(
        fetch(url, "en", refused, status=400), fetch(url, "de", refused, status=400), names
    ):
        problems.append(f"{url} (browser in German, refused): {text!r}")
    url = "/no-such-page/"
    for text in _untranslated(fetch(url, "en", status=404), fetch(url, "de", status=404), names):
        problems.append(f"{url} (browser in German): {text!r}")
    assert not problems, "Text left in English:\n" + "\n".join(problems)


def test_text_left_in_english_is_found():
    """The page check itself: a node the same in both renderings and made of words is caught;
    user content, names and the brand are not."""
    english = "<p>Hello there</p><p>zorblax note</p><p>msg</p><p>ada</p><p>Hallo</p>"
    german = "<p>Hello there</p><p>zorblax note</p><p>msg</p><p>ada</p><p>Hallo Welt</p>"
    assert _untranslated(english, german, {"ada"}) == ["Hello there"]
    assert visible_texts('<button title="Like it">x</button><script>var a="b c d"</script>') == {
        "Like it",
        "x",
    }


def _german(message: str) -> str:
    with translation.override("de"):
        return translation.gettext(message)


@pytest.mark.django_db
def test_a_member_who_chose_german_gets_german_whatever_the_browser_says(client):
    member = UserFactory()
    preferences_update(user=member, time_zone="", language="de")
    client.force_login(member)
    response = client.get(reverse("settings_profile"), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    label = "Time zone"
    assert _german(label) != label
    assert _german(label) in content
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in content


@pytest.mark.django_db
def test_the_browser_language_applies_until_a_member_chooses_one(client):
    member = UserFactory()
    client.force_login(member)
    response = client.get(reverse("settings_profile"), HTTP_ACCEPT_LANGUAGE="de")
    assert response["Content-Language"] == "de"
    assert _german("Time zone") in response.content.decode()

    preferences_update(user=member, time_zone="", language="en")
    response = client.get(reverse("settings_profile"), HTTP_ACCEPT_LANGUAGE="de")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    assert _german("Time zone") not in response.content.decode()


@pytest.mark.django_db
def test_a_visitor_gets_the_browser_language(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de")
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()


def test_every_string_marked_in_the_code_is_in_the_catalogue(tmp_path, catalogue):
    """makemessages, run again into a copy of the catalogue, finds no msgid the committed
    catalogue lacks: a string marked for translation without `make messages` fails here.

    makemessages writes to the first LOCALE_PATHS entry whose parent folder holds the file, and
    it adds ./locale after them: so the copy sits in a hidden folder of the repository (its
    parent is the repository, and makemessages skips hidden folders), first in LOCALE_PATHS.
    """
    copy = Path(settings.BASE_DIR) / f".locale-check-{uuid.uuid4().hex}"
    shutil.copytree(LOCALE_DIR.parent.parent, copy)
    (tmp_path / "extract_settings.py").write_text(
        f"from msg_project.settings import *  # noqa: F403\nLOCALE_PATHS = [{str(copy)!r}]\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "extract_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
        "DEBUG": "True",
    }
    real = PO_PATH.read_bytes()
    try:
        subprocess.run(
            [
                sys.executable, "manage.py", "makemessages", "-l", "de", "--no-location",
                "--no-obsolete", "--ignore=.venv/*", "--ignore=tests/*",
                "--ignore=staticfiles/*", "--ignore=bench/*",
            ],
            cwd=settings.BASE_DIR, env=env, check=True, capture_output=True,
        )  # fmt: skip
        extracted_text = (copy / "de" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    assert PO_PATH.read_bytes() == real, "the check wrote to the real catalogue"
    extracted = parse_po(extracted_text)
    known = {(e.msgctxt, e.msgid) for e in catalogue}
    missing = sorted(
        f"{e.msgctxt + ' | ' if e.msgctxt else ''}{e.msgid}"
        for e in extracted
        if e.msgid and (e.msgctxt, e.msgid) not in known
    )
    assert missing == [], "run `make messages` and translate these"
