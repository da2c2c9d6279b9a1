"""Re-vendor the map's front-end assets from the npm registry.

Downloads the pinned packages with ``npm pack``, copies the files the map
uses (plus each package's licence) into ``dashboard/webmap/static/vendor/`` and
writes ``dashboard/webmap/static/vendor/MANIFEST.json`` (name, version, licence,
integrity, files). Run from the repository root:  python tools/vendor_assets.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "dashboard" / "webmap" / "static" / "vendor"

# package -> (version, files inside the package tarball to keep)
PACKAGES: dict[str, tuple[str, list[str]]] = {
    "leaflet": (
        "1.9.4",
        [
            "dist/leaflet.js",
            "dist/leaflet.css",
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
            "LICENSE",
        ],
    ),
    "leaflet.markercluster": (
        "1.5.3",
        [
            "dist/leaflet.markercluster.js",
            "dist/MarkerCluster.css",
            "dist/MarkerCluster.Default.css",
            "MIT-LICENCE.txt",
        ],
    ),
    # Draws the offline place basemap (PMTiles vector tiles) on canvas, labels placed without collisions.
    "protomaps-leaflet": ("5.1.0", ["dist/protomaps-leaflet.js", "LICENSE"]),
    # The heatmap representation (simpleheat bundled in): fed from the packed layer's arrays.
    "leaflet.heat": ("0.2.0", ["dist/leaflet-heat.js", "LICENSE"]),
    # Draw to filter: the rectangle and polygon tools and their edit and delete toolbar (the sprites its CSS uses).
    "leaflet-draw": (
        "1.0.4",
        [
            "dist/leaflet.draw.js",
            "dist/leaflet.draw.css",
            "dist/images/spritesheet.png",
            "dist/images/spritesheet-2x.png",
            "dist/images/spritesheet.svg",
        ],
    ),
}
# Packages whose package.json names no licence: the SPDX id of the LICENSE file they ship.
LICENCE_OF_LICENSE_FILE: dict[str, str] = {"leaflet.heat": "BSD-2-Clause"}
# Packages whose tarball ships no licence text: the text from their repository at the release's tag, kept in
# tools/licences/ (the licence asks that it travel with the files).
LICENCE_FROM_REPOSITORY: dict[str, tuple[str, str]] = {
    "leaflet-draw": ("leaflet-draw-MIT-LICENSE.md", "github.com/Leaflet/Leaflet.draw, tag v1.0.4, MIT-LICENSE.md"),
}
LICENCES = Path(__file__).resolve().parent / "licences"


def main() -> None:
    manifest = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (version, files) in PACKAGES.items():
            out = subprocess.run(
                ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", tmp],
                check=True,
                capture_output=True,
                text=True,
            )
            info = json.loads(out.stdout)[0]
            target = VENDOR / name
            shutil.rmtree(target, ignore_errors=True)
            with tarfile.open(Path(tmp) / info["filename"]) as tar:
                for rel in files:
                    member = tar.extractfile(f"package/{rel}")
                    if member is None:
                        raise SystemExit(f"{name}@{version} has no file {rel}")
                    dest = target / rel.removeprefix("dist/")
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(member.read())
                package_json = json.load(tar.extractfile("package/package.json"))
            entry = {
                "name": name,
                "version": version,
                "licence": package_json.get("license") or LICENCE_OF_LICENSE_FILE[name],
                "integrity": info["integrity"],
            }
            if name in LICENCE_FROM_REPOSITORY:
                text_file, origin = LICENCE_FROM_REPOSITORY[name]
                shutil.copyfile(LICENCES / text_file, target / text_file.removeprefix(name + "-"))
                entry["licence_text_from"] = origin
            entry["files"] = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
            manifest.append(entry)
    (VENDOR / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"vendored {', '.join(p['name'] + '@' + p['version'] for p in manifest)} into {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
