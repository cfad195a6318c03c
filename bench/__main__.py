"""`make bench`: run every bench module in turn, or those named (`python -m bench server`)."""

from __future__ import annotations

import importlib
import sys

# Add a bench by appending its name; each module bench.<name> has run() -> None.
BENCHES = ["server", "reminders", "ocds", "audit", "portfolio", "pages", "held", "scale"]


def main() -> None:
    """Run each chosen bench and print its plain-text report."""
    chosen = sys.argv[1:] or BENCHES
    unknown = sorted(set(chosen) - set(BENCHES))
    if unknown:
        sys.exit(f"unknown bench {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    for name in chosen:
        print(f"== bench.{name}", flush=True)
        importlib.import_module(f"bench.{name}").run()


if __name__ == "__main__":
    main()
