import pytest
from playwright.sync_api import expect
from tests.e2e.test_flows import member, log_in, expect_logged_in_home
from tests.factories import PASSWORD, PostFactory
pytestmark = pytest.mark.browser

@pytest.mark.parametrize("css", ["", ".compose-visibility small { width: auto; }", ".compose-visibility small { width: auto; } .visually-hidden { width: 1px !important; padding: 0 !important; margin: -1px !important; border: 0 !important; }"])
def test_probe(new_page, live_server, css):
    page = new_page(viewport={"width": 360, "height": 740}, bypass_csp=True)
    user = member()
    PostFactory(author=user, body="https://example.org/" + "x" * 150)
    log_in(page, user.username, PASSWORD)
    expect_logged_in_home(page, live_server.url)
    if css:
        page.add_style_tag(content=css)
    w = page.evaluate("({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, btn: getComputedStyle(document.querySelector('button.visually-hidden')).width})")
    print(css, w)
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 360.5).map(e => e.tagName + '.' + e.className)""")
    print(wide)
    assert False
