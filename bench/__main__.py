"""`make bench`: run every bench module in turn."""

from __future__ import annotations

import importlib

# Add a bench by appending its module name; each module has run() -> None.
BENCHES = ["bench.transitions", "bench.reminders", "bench.ocds"]


def main() -> None:
    """Run each bench and print its plain-text report."""
    for name in BENCHES:
        print(f"== {name}", flush=True)
        importlib.import_module(name).run()


if __name__ == "__main__":
    main()
