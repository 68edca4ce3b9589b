import sys

from khulasa.cli import main

sys.exit(main())
