"""``python -m data.importer FILE [--dry-run] [--skip-invalid]``: see data.importer.cli."""

import sys

from data.importer.cli import main

sys.exit(main())
