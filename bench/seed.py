"""The benchmark's data, made with bulk inserts, and a credential for each surface.

Runs inside Django (bench.settings) on a freshly migrated database. Rows are inserted with
`bulk_create` in large batches (one INSERT per batch, the many-to-many rows too); nothing
goes through the services except the credentials, so seeding 100,000 posts takes seconds.
History rows are not written for seeded objects: no benchmarked request reads them.
"""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from access.services import api_key_issue, login_token_issue
from community.models import Category, Media, MediaType, MemberProfile, Status, Tag, TagType
from reasons.models import Account, StatusReason
from reasons.services import account_bearer_issue
from statuses.models import ConversationStatus, UserStatus

USERNAME = "bench"
PASSWORD = "bench-password-0123456789"  # noqa: S105 (a throw-away benchmark database)
ACCOUNT = "bench"
BATCH = 5000
# One post in SEARCH_EVERY mentions SEARCH_TERM: the scale row's search finds 1% of posts.
SEARCH_TERM = "aurora"
SEARCH_EVERY = 100
WORDS = [
    *("release", "shipped", "today", "team", "support", "customer", "feature", "update"),
    *("fixed", "thanks", "review", "planning", "meeting", "design", "launch", "mobile"),
    *("desktop", "search", "export", "import", "dashboard"),
]


def _vary(index, count):
    return WORDS[(index * 7 + count) % len(WORDS)]


def seed(*, statuses=24, user_statuses=20, reasons=100, posts=1000):
    """Seed every surface; return the credentials and ids the requests need."""
    with transaction.atomic():
        user = _bench_user()
        _conversation_statuses(statuses)
        UserStatus.objects.bulk_create(
            UserStatus(name=f"Bench presence {i:03d}", status_type=UserStatus.Type.BUSY)
            for i in range(user_statuses)
        )
        account = Account.objects.create(pk=ACCOUNT, name="Benchmark")
        account.members.add(user)
        StatusReason.objects.bulk_create(
            StatusReason(
                account=account,
                text=f"Bench reason {i:04d}",
                state=StatusReason.State.AWAY,
                order=i + 1,  # positions 1..N, as the services keep them
            )
            for i in range(reasons)
        )
        community = _community(user)
        add_posts(posts, community=community)
    return {"user_id": user.pk, "category": community["categories"][0], **_credentials(user)}


def _bench_user():
    """A manager (not a superuser): every permission of the three domain apps."""
    user = get_user_model().objects.create_user(USERNAME, f"{USERNAME}@example.com", PASSWORD)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["statuses", "reasons", "community"])
    )
    return user


def _conversation_statuses(total):
    """Top the default statuses (made by the migrations) up to `total`."""
    have = ConversationStatus.objects.count()
    categories = ConversationStatus.Category.values
    ConversationStatus.objects.bulk_create(
        ConversationStatus(name=f"Bench status {i:02d}", category=categories[i % 3])
        for i in range(max(total - have, 0))
    )


def _community(user):
    """Authors, categories (two with a parent), tags of each type and link media."""
    User = get_user_model()
    authors = User.objects.bulk_create(
        User(
            username=f"bench-author-{i}",
            email=f"author{i}@example.com",
            password=make_password(None),  # unusable, and no hashing
        )
        for i in range(9)
    )
    authors = [user, *authors]
    MemberProfile.objects.bulk_create(
        MemberProfile(user=author, ext_id=f"ext-{author.pk}", bio="Benchmark author")
        for author in authors[::2]
    )
    category_tags = Tag.objects.bulk_create(
        Tag(name=f"bench-category-tag-{i}", type=TagType.CATEGORY) for i in range(3)
    )
    categories = Category.objects.bulk_create(
        Category(name=f"Bench category {i}", slug=f"bench-category-{i}", order=i) for i in range(5)
    )
    Category.parents.through.objects.bulk_create(
        [
            Category.parents.through(from_category=categories[3], to_category=categories[0]),
            Category.parents.through(from_category=categories[4], to_category=categories[1]),
        ]
    )
    Category.tags.through.objects.bulk_create(
        Category.tags.through(category=category, tag=category_tags[i % 3])
        for i, category in enumerate(categories)
    )
    contributions = Tag.objects.bulk_create(
        Tag(name=f"bench-tag-{i}", type=TagType.CONTRIBUTION) for i in range(10)
    )
    addressing = Tag.objects.bulk_create(
        Tag(name=f"bench-user-tag-{i}", type=TagType.USER) for i in range(5)
    )
    medias = Media.objects.bulk_create(
        Media(owner=user, type=MediaType.URL, url=f"https://example.com/{i}", title=f"Link {i}")
        for i in range(5)
    )
    return {
        "authors": [author.pk for author in authors],
        "categories": [category.pk for category in categories],
        "tags": [tag.pk for tag in contributions],
        "addressing": [tag.pk for tag in addressing],
        "medias": [media.pk for media in medias],
    }


def community_ids():
    """The ids `add_posts` draws on, read back from a seeded database."""
    return {
        "authors": list(
            get_user_model()
            .objects.filter(username__startswith=USERNAME)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "categories": list(
            Category.objects.filter(slug__startswith="bench-").values_list("pk", flat=True)
        ),
        "tags": list(Tag.objects.filter(type=TagType.CONTRIBUTION).values_list("pk", flat=True)),
        "addressing": list(Tag.objects.filter(type=TagType.USER).values_list("pk", flat=True)),
        "medias": list(Media.objects.values_list("pk", flat=True)),
    }


def add_posts(total, *, community=None):
    """Add posts until there are `total`, older than the ones there; each in one or two
    categories, most with tags, some addressed and some with a link media."""
    community = community or community_ids()
    have = Status.objects.count()
    start = timezone.now() - timedelta(minutes=1)
    categories, tags = community["categories"], community["tags"]
    for first in range(have, total, BATCH):
        with transaction.atomic():
            batch = range(first, min(first + BATCH, total))
            rows = Status.objects.bulk_create(
                [_post(i, community["authors"], start) for i in batch], batch_size=BATCH
            )
            links = {"categories": [], "tags": [], "addressing": [], "medias": []}
            for i, post in zip(batch, rows, strict=True):
                links["categories"].append((post.pk, categories[i % len(categories)]))
                if i % 3 == 0:
                    links["categories"].append((post.pk, categories[(i + 1) % len(categories)]))
                for k in range(i % 3):
                    links["tags"].append((post.pk, tags[(i + k) % len(tags)]))
                if i % 5 == 0:
                    addressing = community["addressing"]
                    links["addressing"].append((post.pk, addressing[i % len(addressing)]))
                if i % 7 == 0:
                    medias = community["medias"]
                    links["medias"].append((post.pk, medias[i % len(medias)]))
            for field, pairs in links.items():
                _link(field, pairs)


def _post(i, authors, start):
    words = " ".join(_vary(i, k) for k in range(12))
    if i % SEARCH_EVERY == 0:
        words = f"{words} {SEARCH_TERM}"
    action = f"Post {i}: {_vary(i, 0)} {_vary(i, 1)}"
    when = start - timedelta(seconds=30 * i)
    return Status(
        author_id=authors[i % len(authors)],
        action=action,
        html=f"<p>{words}</p>",
        plain_text=words,
        summary=words[:500],
        slug=f"post-{i}",
        added_at=when,
        last_activity_at=when,
    )


def _link(field, pairs):
    """Many-to-many rows of Status.<field>, in one INSERT per batch."""
    through = getattr(Status, field).through
    target = getattr(Status, field).field.m2m_reverse_field_name()
    through.objects.bulk_create(
        (through(status_id=status_id, **{f"{target}_id": other}) for status_id, other in pairs),
        batch_size=BATCH,
    )


def _credentials(user):
    """One credential per surface, made through the services (the OAuth2 token as the
    token endpoint stores it); the secrets are returned in clear, once."""
    from oauth2_provider.models import AccessToken, Application

    api_key = api_key_issue(user=user, actor=None)
    login = login_token_issue(user=user, user_agent="bench")
    bearer = account_bearer_issue(account_id=ACCOUNT, username=USERNAME, password=PASSWORD)
    application = Application.objects.create(
        name="bench",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )
    access = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        user=user,
        application=application,
        token=access,
        expires=timezone.now() + timedelta(hours=10),
        scope="read write",
    )
    return {
        "libredesk": {"Authorization": f"token {api_key.api_key}:{api_key.api_secret}"},
        "rocketchat": {"X-Auth-Token": login.auth_token, "X-User-Id": login.user_id},
        "liveperson": {"Authorization": f"Bearer {bearer.bearer}"},
        "selfcommunity": {"Authorization": f"Bearer {access}"},
    }


def analyze():
    """Fresh planner statistics after a bulk load (what autovacuum does in a while)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
