"""Allow ``python -m allris_parse``."""

from allris_parse.cli import main

main()
