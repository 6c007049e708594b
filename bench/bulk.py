"""The 1,000-item LivePerson bulk create: its time and its peak extra RSS.

    python -m bench.bulk --items 1000 --repeat 3

Runs in a process of its own (bench.run starts it on the seeded database), so that the
peak RSS belongs to this measurement alone. One whole request goes through Django's test
client (middleware, DRF, parsing, the serializers, the service, the reply), without a
socket. Before each timed request the kernel's peak-RSS mark is reset (`5` to
/proc/self/clear_refs); the extra RSS is the peak during the request minus the RSS before.
Prints one JSON object.
"""

import argparse
import json
import os
import statistics
import time


def _status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def _reset_peak():
    """Reset VmHWM to the current RSS; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def measure(*, items, repeat):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.seed import PASSWORD, USERNAME
    from reasons.models import Account
    from reasons.services import account_bearer_issue

    user = get_user_model().objects.get(username=USERNAME)
    runs = []
    for run in range(repeat + 1):  # the first one warms up (imports, caches) and is dropped
        account = Account.objects.create(pk=f"bulk{run}", name="Bulk create")
        account.members.add(user)
        bearer = account_bearer_issue(account_id=account.pk, username=USERNAME, password=PASSWORD)
        client = Client(SERVER_NAME="127.0.0.1")
        url = f"/api/account/{account.pk}/configuration/le-agents/status-reasons?v=1.0"
        body = json.dumps(
            [
                {"text": f"Bulk reason {run}-{i:04d}", "state": "Away"}
                for i in range(items if run else 1)
            ]
        )
        headers = {"Authorization": f"Bearer {bearer.bearer}"}
        peak_reset = _reset_peak()
        rss_before = _status_kb("VmRSS")
        started = time.perf_counter()
        response = client.post(url, body, content_type="application/json", headers=headers)
        seconds = time.perf_counter() - started
        peak = _status_kb("VmHWM")
        if response.status_code not in (200, 201):
            raise SystemExit(f"bulk create: {response.status_code} {response.content[:500]!r}")
        if run:
            runs.append(
                {
                    "seconds": round(seconds, 4),
                    "extra_rss_mb": round((peak - rss_before) / 1024, 1) if peak_reset else None,
                }
            )
    return {
        "items": items,
        "runs": runs,
        "median_seconds": statistics.median(run["seconds"] for run in runs),
        "max_extra_rss_mb": max(
            (run["extra_rss_mb"] for run in runs if run["extra_rss_mb"] is not None),
            default=None,
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    print(json.dumps(measure(items=args.items, repeat=args.repeat)))


if __name__ == "__main__":
    main()
