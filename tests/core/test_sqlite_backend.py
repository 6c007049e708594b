"""core.backends.sqlite3: the writers of one process queue on a lock, not in SQLite's
sleeping busy handler, and the lock never outlives its transaction."""

import sqlite3
import threading

import pytest
from django.db import OperationalError, transaction
from django.db.utils import ConnectionHandler

from core.backends.sqlite3 import base

pytestmark = pytest.mark.one_database  # its own SQLite file, whatever the run's database


@pytest.fixture(autouse=True)
def _database_access(django_db_blocker):
    with django_db_blocker.unblock():  # files of this test's own, not the test database
        yield


@pytest.fixture
def portal_db(tmp_path):
    """Connections (one per thread, as Django's) to an SQLite file with the portal's
    settings, and the process's writer lock for that file."""
    name = str(tmp_path / "queue.sqlite3")
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "core.backends.sqlite3",
                "NAME": name,
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 5},
            }
        }
    )
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT NOT NULL)")
    yield handler
    handler.close_all()


def lock_of(handler):
    return base._lock_for(handler["default"].settings_dict["NAME"])


def write(handler, who):
    connection = handler["default"]
    with transaction.atomic(using="default"), connection.cursor() as cursor:
        cursor.execute("INSERT INTO t (who) VALUES (%s)", [who])


def test_a_second_writer_waits_on_the_lock_and_writes_when_the_first_commits(
    portal_db, monkeypatch
):
    # transaction.atomic(using=...) looks the alias up in django.db.connections.
    monkeypatch.setattr(transaction, "get_connection", lambda using=None: portal_db["default"])
    lock = lock_of(portal_db)
    first_in, release_first, errors = threading.Event(), threading.Event(), []

    def first():
        try:
            connection = portal_db["default"]
            with transaction.atomic(using="default"), connection.cursor() as cursor:
                cursor.execute("INSERT INTO t (who) VALUES ('first')")
                first_in.set()
                release_first.wait(5)
        except Exception as error:
            errors.append(error)
        finally:
            portal_db["default"].close()

    def second():
        try:
            write(portal_db, "second")
        except Exception as error:
            errors.append(error)
        finally:
            portal_db["default"].close()

    one = threading.Thread(target=first)
    one.start()
    assert first_in.wait(5)
    assert lock.locked()  # the first holds it for its whole transaction
    two = threading.Thread(target=second)
    two.start()
    two.join(0.3)
    assert two.is_alive()  # queued on the lock (SQLite would have let it retry, asleep)
    release_first.set()
    one.join(5)
    two.join(5)
    assert not errors
    assert not lock.locked()
    with portal_db["default"].cursor() as cursor:
        cursor.execute("SELECT who FROM t ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]


def test_a_write_outside_a_transaction_queues_too_and_a_read_does_not(portal_db, monkeypatch):
    """The database cache deletes its generation keys after a commit, outside any
    transaction: that statement waits on the lock as well. Reads never wait (WAL)."""
    monkeypatch.setattr(transaction, "get_connection", lambda using=None: portal_db["default"])
    lock = lock_of(portal_db)
    done = []

    def autocommit(sql):
        try:
            with portal_db["default"].cursor() as cursor:
                cursor.execute(sql)
                done.append(sql)
        finally:
            portal_db["default"].close()

    with transaction.atomic(using="default"):
        assert lock.locked()
        reader = threading.Thread(target=autocommit, args=["SELECT COUNT(*) FROM t"])
        reader.start()
        reader.join(5)
        assert done == ["SELECT COUNT(*) FROM t"]
        writer = threading.Thread(target=autocommit, args=["DELETE FROM t"])
        writer.start()
        writer.join(0.3)
        assert writer.is_alive() and done == ["SELECT COUNT(*) FROM t"]
    writer.join(5)
    assert done == ["SELECT COUNT(*) FROM t", "DELETE FROM t"]
    assert not lock.locked()


def test_a_rolled_back_or_failed_transaction_releases_the_lock(portal_db, monkeypatch):
    monkeypatch.setattr(transaction, "get_connection", lambda using=None: portal_db["default"])
    lock = lock_of(portal_db)
    with pytest.raises(ZeroDivisionError), transaction.atomic(using="default"):
        assert lock.locked()
        1 / 0  # noqa: B018
    assert not lock.locked()
    write(portal_db, "after")
    assert not lock.locked()


def test_a_begin_that_times_out_in_sqlite_releases_the_lock(tmp_path, monkeypatch):
    """Another process holds SQLite's write lock: the BEGIN fails after the connection's
    timeout, as Django's would, and the process's lock is free again."""
    name = str(tmp_path / "busy.sqlite3")
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "core.backends.sqlite3",
                "NAME": name,
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.2},
            }
        }
    )
    monkeypatch.setattr(transaction, "get_connection", lambda using=None: handler["default"])
    other = sqlite3.connect(name, isolation_level=None)
    other.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"), transaction.atomic(using="default"):
            pass
        assert not base._lock_for(name).locked()
    finally:
        other.execute("ROLLBACK")
        other.close()
        handler.close_all()


def test_an_in_memory_database_keeps_djangos_behaviour():
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "core.backends.sqlite3",
                "NAME": ":memory:",
                "OPTIONS": {"transaction_mode": "IMMEDIATE"},
            }
        }
    )
    connection = handler["default"]
    connection.ensure_connection()
    assert connection.transaction_mode == "IMMEDIATE"
    assert not connection._queues_writers()
    connection.close()
