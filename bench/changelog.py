"""The admin's change log (core/changelog.py) over a million history rows.

    scripts/with-postgres.sh .venv/bin/python -m bench.changelog
    .venv/bin/python -m bench.changelog --rows 20000      # SQLite, a quick look

Makes a fresh database (as bench.run does), migrates it, and writes `--rows` history rows
with bulk inserts: half of them conversation statuses' (1,000 statuses), 40 % reasons' (10
accounts of 100 reasons), 10 % categories', spread over a year, by 50 people, through the
admin, each surface and commands. Then, `ANALYZE`d, it times the change log's page as a
superuser and as a member of one account (who may see that account's reasons alone), first
page, each filter and a page deep in the past, and prints each one's query count, its
median time in milliseconds, and the plan (`EXPLAIN ANALYZE`) of the query that picks the
page's rows. docs/performance.md quotes a run.
"""

import argparse
import datetime
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.run import database, portal_env

SOURCES = ["admin", "Libredesk", "Rocket.Chat", "LivePerson", "SelfCommunity", ""]


def seed(total):
    from django.contrib.auth import get_user_model

    from community.models import Category
    from reasons.models import Account, StatusReason
    from statuses.models import ConversationStatus

    User = get_user_model()
    people = User.objects.bulk_create(User(username=f"person{i:02d}") for i in range(50))
    statuses = ConversationStatus.objects.bulk_create(
        ConversationStatus(name=f"Bench status {i:04d}", status_category="open", category="open")
        for i in range(1000)
    )
    accounts = Account.objects.bulk_create(Account(id=f"account{i}") for i in range(10))
    reasons = StatusReason.objects.bulk_create(
        StatusReason(account=account, text=f"Reason {i:03d}", state="Away", order=i)
        for account in accounts
        for i in range(100)
    )
    categories = Category.objects.bulk_create(
        Category(name=f"Category {i:03d}", slug=f"category-{i:03d}") for i in range(200)
    )
    member = User.objects.create_user("member", is_staff=True)
    accounts[0].members.add(member)
    from django.contrib.auth.models import Permission

    member.user_permissions.add(Permission.objects.get(codename="view_statusreason"))
    User.objects.create_superuser("manager")

    now = datetime.datetime.now(datetime.UTC)
    rng = random.Random(25)
    for objects, share in ((statuses, 0.5), (reasons, 0.4), (categories, 0.1)):
        model = type(objects[0])
        history = model.history.model
        fields = [field.attname for field in model._meta.concrete_fields]
        count = int(total * share)
        batch = []
        for i in range(count):
            obj = objects[i % len(objects)]
            batch.append(
                history(
                    **{name: getattr(obj, name) for name in fields},
                    history_date=now - datetime.timedelta(seconds=rng.randrange(365 * 86400)),
                    history_type="~" if i >= len(objects) else "+",
                    history_user_id=people[i % len(people)].pk if i % 7 else None,
                    history_source=SOURCES[i % len(SOURCES)],
                    history_change_reason=None if i % 7 else "manage.py load_demo_data",
                )
            )
            if len(batch) == 10_000:
                history.objects.bulk_create(batch)
                batch = []
        history.objects.bulk_create(batch)


def measure(repeat):
    from django.contrib.admin import site
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from core import changelog

    User = get_user_model()
    person = User.objects.get(username="person07")
    year_ago = datetime.date.today() - datetime.timedelta(days=300)
    back = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=300)
    cases = [
        ("first page", {}),
        ("one person", {"user": str(person.pk)}),
        ("one product (LivePerson)", {"source": "LivePerson"}),
        ("one type (categories)", {"type": "community.category"}),
        ("one week", {"since": str(year_ago), "until": str(year_ago + datetime.timedelta(6))}),
        (
            "a page 300 days back",
            {"after": f"{back:%Y-%m-%dT%H:%M:%S+00:00}~9~999999999"},
        ),
    ]
    for username in ("manager", "member"):
        user = User.objects.get(username=username)
        for name, query in cases:
            request = RequestFactory().get("/admin/changelog/", query)
            request.user = user
            filters = changelog.Filters.from_query(request.GET)
            timings = []
            for _ in range(repeat):
                user = User.objects.get(pk=user.pk)  # no permission cache between runs
                request.user = user
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    changes, _more = changelog.changelog(request, site, filters)
                    timings.append((time.perf_counter() - start) * 1000)
            union = next((q["sql"] for q in queries if "log_rank" in q["sql"]), None)
            print(
                f"\n### {username}, {name}: {len(changes)} rows, {len(queries)} queries, "
                f"median {statistics.median(timings):.1f} ms"
            )
            if union and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + union)
                    print("\n".join(row[0] for row in cursor.fetchall()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    kind = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    with tempfile.TemporaryDirectory(prefix="portal-changelog-") as tmp:
        folder = Path(tmp)
        with database(kind, folder) as database_url:
            os.environ.update(portal_env(database_url, folder, 1))
            os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connection

            call_command("migrate", verbosity=0)
            start = time.perf_counter()
            seed(args.rows)
            print(f"Seeded {args.rows:,} history rows in {time.perf_counter() - start:.0f} s")
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            measure(args.repeat)


if __name__ == "__main__":
    main()
