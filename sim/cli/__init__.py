"""The `drsim` command (also `python -m sim`): parse, compose, hand over, print."""
