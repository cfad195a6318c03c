"""The published OCDS samples (outside the repository): which files the tests expect."""

from __future__ import annotations

from pathlib import Path

MANIFEST = Path(__file__).with_name("ocds_samples.txt")
EXPECTED = [line for line in MANIFEST.read_text().splitlines() if line and not line.startswith("#")]
# Parametrised over names, not a glob, so no test vanishes when the data is absent.
CF_NAMES = [
    name.removeprefix("contracts-finder/")
    for name in EXPECTED
    if name.startswith("contracts-finder/")
]
EXAMPLE_STAGES = ["planning", "tender", "tenderAmendment", "award", "contract", "implementation"]
EXAMPLE_STAGE_NAMES = [
    f"ocds-213czf-000-00001-0{i + 1}-{s}.json" for i, s in enumerate(EXAMPLE_STAGES)
]
EXAMPLE_PACKAGE = "ocds-213czf-000-00001.json"
EXAMPLE_RECORD = "record-ocds-213czf-000-00001.json"
