"""The performance benchmark of the portal (issue 13): `make bench`, see docs/performance.md.

- `bench.settings` and `bench.urls`: the portal's own settings and URLconf plus the floor,
  a bare Django JSON view at /bench/floor, served with the same middleware.
- `bench.seed`: the data (bulk inserts) and the credentials of each surface.
- `bench.bulk`: the 1,000-item LivePerson bulk create, timed, with its peak extra RSS.
- `bench.run`: starts gunicorn, drives it with wrk (`bench/wrk.lua`), prints the table and
  writes `bench/results/<date>-<db>.json`.
"""
