"""``python -m invoicekit``: the same as the ``invoicekit`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
