#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main(argv=None):
    argv = sys.argv if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from core.history import command_running

    # What the command changes outside a request is recorded in the history as made by
    # "system (<command>)" (core/history.py).
    command = argv[1] if len(argv) > 1 and not argv[1].startswith("-") else ""
    with command_running(command):
        execute_from_command_line(argv)


if __name__ == "__main__":
    main()
