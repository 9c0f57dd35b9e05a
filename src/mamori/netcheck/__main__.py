"""``python -m mamori.netcheck``: the ``mamori netcheck`` command without the rest of Mamori."""

from mamori.netcheck.cli import main

raise SystemExit(main())
