"""``python -m greenshift``."""

from greenshift.cli import main

if __name__ == "__main__":
    main()
