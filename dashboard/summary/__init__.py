"""Charts, key figures and tables computed from a selection (no UI, no map)."""
