"""`python -m ledger.cli` runs `timebank-ledger`."""

import sys

from ledger.cli import main

sys.exit(main())
