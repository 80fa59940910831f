"""Copy the browser libraries the pages load from node_modules into web/static/vendor.

Run after ``npm ci --ignore-scripts``. The vendored files are committed, so a fresh
clone serves them without npm; ``--check`` verifies they still match node_modules and
VERSIONS.txt (for CI after an upgrade of package.json).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "web" / "static" / "vendor"
VERSIONS = VENDOR / "VERSIONS.txt"


@dataclass(frozen=True)
class Package:
    """One npm package and the files of it that pages load."""

    name: str
    # (path inside the npm package, path inside web/static/vendor/<name>/)
    files: tuple[tuple[str, str], ...]
    license_file: str = "LICENSE"


# Only what base.html, the diagram pages and the admin modeler load: the modeler's palette and
# context pad draw bpmn-font icons, so bpmn-font's CSS and font files come with it.
PACKAGES: tuple[Package, ...] = (
    Package(
        name="htmx.org",
        files=(("dist/htmx.min.js", "htmx.min.js"),),
    ),
    Package(
        name="bpmn-js",
        files=(
            ("dist/bpmn-viewer.production.min.js", "bpmn-viewer.production.min.js"),
            ("dist/assets/bpmn-js.css", "bpmn-js.css"),
            ("dist/assets/diagram-js.css", "diagram-js.css"),
            ("dist/bpmn-modeler.production.min.js", "bpmn-modeler.production.min.js"),
            ("dist/assets/bpmn-font/css/bpmn.css", "bpmn-font/css/bpmn.css"),
            ("dist/assets/bpmn-font/font/bpmn.eot", "bpmn-font/font/bpmn.eot"),
            ("dist/assets/bpmn-font/font/bpmn.woff2", "bpmn-font/font/bpmn.woff2"),
            ("dist/assets/bpmn-font/font/bpmn.woff", "bpmn-font/font/bpmn.woff"),
            ("dist/assets/bpmn-font/font/bpmn.ttf", "bpmn-font/font/bpmn.ttf"),
            ("dist/assets/bpmn-font/font/bpmn.svg", "bpmn-font/font/bpmn.svg"),
        ),
    ),
    # The admin modeler's DMN tables (decision tables and the decision requirements diagram).
    # Its icon font (dmn-font/) is left out: its CSS names a dmn.woff2 the package does not
    # ship, so a few table icons are not drawn; editing works without them.
    Package(
        name="dmn-js",
        files=(
            ("dist/dmn-modeler.production.min.js", "dmn-modeler.production.min.js"),
            ("dist/assets/diagram-js.css", "diagram-js.css"),
            ("dist/assets/dmn-js-shared.css", "dmn-js-shared.css"),
            ("dist/assets/dmn-js-drd.css", "dmn-js-drd.css"),
            ("dist/assets/dmn-js-decision-table.css", "dmn-js-decision-table.css"),
            (
                "dist/assets/dmn-js-decision-table-controls.css",
                "dmn-js-decision-table-controls.css",
            ),
            ("dist/assets/dmn-js-literal-expression.css", "dmn-js-literal-expression.css"),
            ("dist/assets/dmn-js-boxed-expression.css", "dmn-js-boxed-expression.css"),
            (
                "dist/assets/dmn-js-boxed-expression-controls.css",
                "dmn-js-boxed-expression-controls.css",
            ),
        ),
    ),
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _metadata(package: Package) -> dict[str, str]:
    manifest = NODE_MODULES / package.name / "package.json"
    if not manifest.is_file():
        sys.exit(f"{manifest} is missing: run `npm ci --ignore-scripts` first")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return {"version": data["version"], "license": str(data.get("license", "UNKNOWN"))}


def _planned(package: Package) -> list[tuple[Path, Path]]:
    source_root = NODE_MODULES / package.name
    target_root = VENDOR / package.name
    pairs = [(source_root / src, target_root / dest) for src, dest in package.files]
    pairs.append((source_root / package.license_file, target_root / "LICENSE"))
    return pairs


def versions_text() -> str:
    """Return the VERSIONS.txt content for what node_modules holds now."""
    lines = [
        "# Vendored by scripts/vendor_assets.py from the npm registry; do not edit by hand.",
        "# <package> <version> license=<npm license field>, then its files with sha256",
    ]
    for package in PACKAGES:
        meta = _metadata(package)
        lines.append(f"{package.name} {meta['version']} license={meta['license']}")
        for source, target in _planned(package):
            if not source.is_file():
                sys.exit(f"{source} is missing from the installed {package.name}")
            relative = target.relative_to(VENDOR).as_posix()
            lines.append(f"  {relative} sha256={_sha256(source)}")
    return "\n".join(lines) + "\n"


def vendor() -> None:
    """Replace web/static/vendor with fresh copies from node_modules."""
    text = versions_text()
    for package in PACKAGES:
        shutil.rmtree(VENDOR / package.name, ignore_errors=True)
        for source, target in _planned(package):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    VERSIONS.write_text(text, encoding="utf-8")
    for package in PACKAGES:
        size = sum(p.stat().st_size for p in (VENDOR / package.name).rglob("*") if p.is_file())
        print(f"{package.name}: {size / 1024:.0f} KiB in {VENDOR.relative_to(ROOT)}/{package.name}")


def check() -> int:
    """Return 0 when the committed vendor files match node_modules, else 1."""
    problems = []
    if not VERSIONS.is_file() or VERSIONS.read_text(encoding="utf-8") != versions_text():
        problems.append(f"{VERSIONS.relative_to(ROOT)} is stale")
    for package in PACKAGES:
        for source, target in _planned(package):
            if not target.is_file() or _sha256(target) != _sha256(source):
                problems.append(f"{target.relative_to(ROOT)} differs from {source.name}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="verify instead of copying (exit 1 on drift)"
    )
    args = parser.parse_args(argv)
    if args.check:
        return check()
    vendor()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
