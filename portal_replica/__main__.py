"""`python -m portal_replica`: serve the offline portal replica."""

import sys

from portal_replica.cli import main

sys.exit(main())
