"""``python -m openrouter``: the command line (the ``cli`` extra), imported only here."""

from openrouter.cli import main

raise SystemExit(main())
