import sys

from migration.cli.main import main

sys.exit(main())
