"""`python -m sim` is the same as the `drsim` command."""

from sim.cli import main

raise SystemExit(main())
