"""The `essaim` console script: the project's manage.py.

Production settings unless DJANGO_SETTINGS_MODULE says otherwise: a server where the variable was forgotten
(a cron line, a worker unit) refuses to start without SECRET_KEY and DATABASE_URL instead of running with the
public development key, debug pages and console email. `make demo` and `make serve` set
config.settings.dev, the tests config.settings.test.
"""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
