"""Every export format: PNG/SVG/PDF snapshots, the standalone HTML map, CSV and GeoJSON."""
