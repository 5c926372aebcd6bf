"""`python -m sim` is the same as the `drsim` command."""

from sim.cli.run import main

raise SystemExit(main())
