"""Django's SQLite backend, with the writers of one process queued on a Python lock.

SQLite lets one transaction write at a time. A writer that finds the file locked waits in
SQLite's busy handler, which sleeps in growing steps (1, 2, 5, 10, … up to 100 ms) and
retries: while the lock is free, the sleepers are still asleep, so the cores sit idle and a
queued request waits for up to 100 ms more than it must (docs/performance.md, issue 26).

Here a transaction that will write (`transaction_mode` IMMEDIATE or EXCLUSIVE, which take
SQLite's lock at BEGIN) first takes its process's lock for the file, and releases it when
the transaction ends; a statement that writes outside a transaction (the database cache's
DELETE after a commit) takes it for that statement. The threads of one process then queue
in order and each wakes as soon as the one before it commits; only the first in each
process meets other processes in SQLite's busy handler. The timeout is the connection's
own (`OPTIONS["timeout"]`): a writer that cannot get the process's lock in time goes on to
SQLite, whose timeout then decides, as before. An in-memory database is never shared
between processes and keeps Django's behaviour.
"""

import threading

from django.db.backends.sqlite3 import base

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(name) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(str(name), threading.Lock())


class QueuedCursorWrapper(base.SQLiteCursorWrapper):
    """A cursor whose writes outside a transaction wait on the process's lock too."""

    owner = None  # the DatabaseWrapper, set by create_cursor when it queues writers

    def _queued(self, run, query, *args):
        owner = self.owner
        if (
            owner is None
            or owner._write_lock is not None  # its transaction holds the lock
            or owner._beginning  # BEGIN, after the lock was taken (or waited for in vain)
            or self.connection.in_transaction
            or query.lstrip()[:6].upper() == "SELECT"
        ):
            return run(query, *args)
        lock = _lock_for(owner.settings_dict["NAME"])
        if not lock.acquire(timeout=owner.settings_dict["OPTIONS"].get("timeout", 5)):
            return run(query, *args)
        try:
            return run(query, *args)
        finally:
            lock.release()

    def execute(self, query, params=None):
        return self._queued(super().execute, query, params)

    def executemany(self, query, param_list):
        return self._queued(super().executemany, query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock = None
    _beginning = False

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=QueuedCursorWrapper)
        if self._queues_writers():
            cursor.owner = self
        return cursor

    def _queues_writers(self) -> bool:
        return self.transaction_mode in {"IMMEDIATE", "EXCLUSIVE"} and not self.is_in_memory_db()

    def _start_transaction_under_autocommit(self):
        lock = None
        if self._queues_writers():
            lock = _lock_for(self.settings_dict["NAME"])
            timeout = self.settings_dict["OPTIONS"].get("timeout", 5)
            if not lock.acquire(timeout=timeout):
                lock = None
        self._write_lock, self._beginning = lock, True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise
        finally:
            self._beginning = False

    def _release_write_lock(self):
        lock, self._write_lock = self._write_lock, None
        if lock is not None:
            lock.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
