import sys

from dashboard.cli import main

# Guarded: a child process started with "spawn" imports this module again as __mp_main__.
if __name__ == "__main__":
    sys.exit(main())
