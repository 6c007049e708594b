"""Per-request Python cost of each benchmark row, in one process, without a server.

    python -m bench.profile                       # SQLite; every row, µs per request
    python -m bench.profile --row libredesk-list --cprofile 25
    scripts/with-postgres.sh python -m bench.profile --db postgres

A quick loop for working on a hot path: it seeds a fresh database as `bench.run` does,
then sends each row's request straight to Django's WSGI handler (no socket, no gunicorn,
one thread) `--requests` times and prints the mean cost per request and its ratio to its
floor's (the read floor's for a GET, the write floor's for a create), and the CPU time
this process spent per request (on a shared machine, steadier than the wall clock: waiting
for a core is not counted; on SQLite it includes the database's work, on PostgreSQL not
the server's). The figures to quote are `make bench`'s; this one only tells where the time
goes (`--cprofile N` prints the N most expensive functions of one row; `--stages` the time
of each stage of its requests, such as authentication, validation, the save, the history
row and the COMMIT: bench/stages.py). A scale row (`--row selfcommunity-list-scale-miss`)
grows the posts to 100,000 first; a row with `reply_cache=False` runs with
REPLY_CACHE_SECONDS=0.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import runpy
import sys
import tempfile
import time
from pathlib import Path

from bench.run import FLOORS, SMOKE_SIZES, Sizes, database, portal_env, rows, scale_rows


def environ(row, credentials, name):
    path, _, query = row.path.partition("?")
    body = row.body.replace("{{name}}", name).encode() if row.body else b""
    env = {
        "REQUEST_METHOD": row.method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "application/json",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
    }
    if row.body:
        env["CONTENT_TYPE"] = "application/json"
    for header, value in credentials.get(row.surface, {}).items() if row.surface else ():
        env["HTTP_" + header.upper().replace("-", "_")] = value
    return env


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--row", action="append", help="only these rows (and their floors)")
    parser.add_argument("--cprofile", type=int, default=0, help="top N functions per row")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes")
    parser.add_argument("--sql", action="store_true", help="print each row's SQL (one request)")
    parser.add_argument(
        "--stages", action="store_true", help="µs per stage of a request (bench/stages.py)"
    )
    args = parser.parse_args(argv)
    sizes = SMOKE_SIZES if args.smoke else Sizes()
    with tempfile.TemporaryDirectory(prefix="portal-profile-") as tmp:
        folder = Path(tmp)
        with database(args.db, folder) as database_url:
            # The schema as `bench.run` makes it: the migrations (PostgreSQL's search index is
            # made by one, not by the models), except for --smoke.
            os.environ.update(portal_env(database_url, folder, 1, syncdb=args.smoke))
            import django

            django.setup()
            from django.core.handlers.wsgi import WSGIHandler
            from django.core.management import call_command
            from django.test.utils import override_settings

            from bench import seed

            if args.smoke:  # tables from the models (bench.settings), as bench.run --smoke
                # The cache table first: migrate retires the cached generations at its end.
                call_command("createcachetable", verbosity=0)
                call_command("migrate", run_syncdb=True, verbosity=0)
            else:
                call_command("migrate", verbosity=0)
            credentials = seed.seed(
                statuses=sizes.statuses,
                user_statuses=sizes.user_statuses,
                reasons=sizes.reasons,
                large_reasons=sizes.large_reasons,
                posts=sizes.posts,
            )
            seed.analyze()
            handler = WSGIHandler()
            # As a gunicorn worker does once it has loaded the app (gunicorn.conf.py).
            runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))[
                "freeze_loaded_app"
            ]()
            results, cpu = {}, {}
            chosen = rows(sizes, credentials["category"])
            if args.row and any(row.key in args.row for row in scale_rows(sizes)):
                seed.add_posts(sizes.scale_posts)
                seed.analyze()
                chosen += scale_rows(sizes)
            wanted = {
                "floor",
                *(row.floor for row in chosen if not args.row or row.key in args.row),
            }
            for number, row in enumerate(chosen):
                if args.row and row.key not in {*args.row, *wanted}:
                    continue
                if row.key in FLOORS and row.key not in wanted:
                    continue
                seed.set_subscriptions(row.subscriptions)
                replies = None if row.reply_cache else override_settings(REPLY_CACHE_SECONDS=0)
                if replies:
                    replies.enable()

                def once(i, row=row, number=number):
                    status = []
                    body = handler(
                        environ(row, credentials, f"p{os.getpid()}-{number}-{i}"),
                        lambda s, h, *a: status.append(s),
                    )
                    b"".join(body)
                    if hasattr(body, "close"):
                        body.close()
                    if not status[0].startswith("2"):
                        raise SystemExit(f"{row.key}: {status[0]} {b''.join(body)[:300]}")

                for i in range(20):  # warm-up
                    once(-i - 1)
                if args.sql:
                    from django.db import connection
                    from django.test.utils import CaptureQueriesContext

                    with CaptureQueriesContext(connection) as queries:
                        once(-100)
                    print(f"{row.key}: {len(queries)} queries")
                    for query in queries:
                        print("   ", query["sql"][:400])
                started, cpu_started = time.perf_counter(), time.process_time()
                for i in range(args.requests):
                    once(i)
                cost = (time.perf_counter() - started) / args.requests * 1e6
                cpu[row.key] = (time.process_time() - cpu_started) / args.requests * 1e6
                results[row.key] = cost
                floor = results.get(row.floor, cost)
                print(
                    f"{row.label:55} {cost:9.0f} µs  ratio {floor / cost:5.2f} of {row.floor}"
                    f"  (CPU of this process {cpu[row.key]:.0f} µs)",
                    flush=True,
                )
                if args.stages and row.key not in FLOORS:
                    from bench.stages import report, timed_stages

                    with timed_stages() as spent:
                        for i in range(args.requests):
                            once(20_000 + i)
                    print("\n".join(report(spent, args.requests)), flush=True)
                if args.cprofile and row.key not in FLOORS:
                    profile = cProfile.Profile()
                    profile.enable()
                    for i in range(100):
                        once(10_000 + i)
                    profile.disable()
                    stats = pstats.Stats(profile)
                    stats.sort_stats("cumulative").print_stats(args.cprofile)
                    stats.sort_stats("tottime").print_stats(args.cprofile)
                if replies:
                    replies.disable()
            print(json.dumps({"cpu": {k: round(v) for k, v in cpu.items()}}))
            print(json.dumps({k: round(v) for k, v in results.items()}))


if __name__ == "__main__":
    main()
