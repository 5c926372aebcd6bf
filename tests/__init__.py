"""Test suite (a package, so `tests` here is never shadowed by a `tests` package that a
third-party wheel such as ciw installs into site-packages)."""
