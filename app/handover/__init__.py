"""The handover checklist: what must pass from the supplier before a replaced line is done."""
