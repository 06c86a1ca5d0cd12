"""`python -m analys` gör samma sak som kommandot `analys`."""

import sys

from analys.cli import main

sys.exit(main())
