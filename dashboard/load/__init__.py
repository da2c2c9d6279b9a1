"""Load and validate: files to typed, validated event rows (plus unmapped and rejected rows with reasons)."""
