"""The pages of this part run a constant number of queries whatever their size, and a toggle
runs a fixed few: pinned here, as tests/community/test_queries.py pins the status list."""

import pytest

from community import social
from community.models import Media
from tests.community.factories import CategoryFactory, MediaFactory, StatusFactory
from tests.community.test_queries import COUNTED_PAGE_QUERIES as PAGE_QUERIES
from tests.community.test_queries import THROTTLE_QUERIES, data_queries
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# PAGE_QUERIES is test_queries' COUNTED_PAGE_QUERIES: these pages keep no count (only the
# status list and search do), each counts.

STATUS = "/api/v2/status/"
# Reading the status the route names (unknown or deleted: 404).
STATUS_QUERY = 1


@pytest.fixture
def busy_status(member):
    """A status with 12 votes and flags, 12 related posts, 12 shares; the member follows
    and suspended all of them."""
    news = CategoryFactory()
    status = StatusFactory(categories=[news])
    for _ in range(12):
        voter = UserFactory()
        social.vote_toggle(status=status, user=voter)
        social.flag_toggle(status=status, user=voter, flag_type=1)
        related = StatusFactory(categories=[news])
        share = MediaFactory(owner=voter, type=Media.Type.SHARE, url="", shared_object=status)
        related.medias.set([share])
        social.follow_toggle(status=related, user=member.user)
        social.suspend_toggle(status=related, user=member.user)
    return status


def warm(client):
    assert client.get(f"{STATUS}uncommented/", {"limit": 1}).status_code == 200


@pytest.mark.parametrize("limit", [2, 11])
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("following/", PAGE_QUERIES),
        ("suspended/", PAGE_QUERIES),
        ("uncommented/", PAGE_QUERIES),
        ("{}/related/", STATUS_QUERY + PAGE_QUERIES),
        ("{}/shares/", STATUS_QUERY + PAGE_QUERIES),
        # The status, the count (capped) and the page, each with its member and profile.
        ("{}/vote/", STATUS_QUERY + 2),
        ("{}/shares_users/", STATUS_QUERY + 2),
    ],
)
def test_pages_run_constant_queries(member, busy_status, path, queries, limit):
    warm(member)
    with data_queries(queries):
        response = member.get(STATUS + path.format(busy_status.pk), {"limit": limit})
    assert response.status_code == 200
    assert len(response.json()["results"]) == limit


@pytest.mark.parametrize("limit", [2, 11])
def test_the_flags_page_runs_constant_queries(sc_login, busy_status, limit):
    moderator = sc_login(is_staff=True)
    warm(moderator)
    with data_queries(STATUS_QUERY + 2):
        response = moderator.get(f"{STATUS}{busy_status.pk}/flag/", {"limit": limit})
    assert len(response.json()["results"]) == limit


# A toggle: the write limit's count, the status, the DELETE of the member's mark (none),
# its INSERT and the counter's UPDATE; taking it back: the DELETE and the UPDATE.
TOGGLE_ON = THROTTLE_QUERIES + STATUS_QUERY + 3
TOGGLE_OFF = THROTTLE_QUERIES + STATUS_QUERY + 2


@pytest.mark.parametrize("path", ["vote", "follow"])
def test_a_toggle_runs_a_fixed_few_queries(member, path):
    status = StatusFactory()
    warm(member)
    with data_queries(TOGGLE_ON):
        assert member.post(f"{STATUS}{status.pk}/{path}/").status_code == 204
    with data_queries(TOGGLE_OFF):
        assert member.post(f"{STATUS}{status.pk}/{path}/").status_code == 204
