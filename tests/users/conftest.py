import pytest

from tests.users.helpers import PUBLIC_SITE_URL


@pytest.fixture
def public_site_url(settings) -> str:
    """Point SITE_URL somewhere the test client is not, so mailed links must be built from it."""
    settings.SITE_URL = PUBLIC_SITE_URL
    return PUBLIC_SITE_URL
