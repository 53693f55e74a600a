"""`python -m chalicelib.cli`, the same as the `tidings` command."""

import sys

from chalicelib.cli import main

sys.exit(main())
