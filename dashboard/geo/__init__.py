"""Boundaries and the spatial join: country, province, Nagorno-Karabakh flags, border distance, region."""
