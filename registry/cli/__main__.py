"""`python -m registry.cli`, the same as the `standards` command."""

from registry.cli.app import main

main()
