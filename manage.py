#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iltod.settings")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] == ["procurement_flags"]:
        # As in Cardinal, --settings names the red flags' INI file, not Django's settings module.
        sys.argv = [f"--ini{arg[10:]}" if arg.split("=")[0] == "--settings" else arg for arg in sys.argv]
    execute_from_command_line(sys.argv)
