"""The `nhandao` console command: Django's manage.py with the settings preset.

`nhandao demo` (see demo/management/commands/demo.py) builds the demo database and serves it.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nhandao", *sys.argv[1:]])


if __name__ == "__main__":
    main()
