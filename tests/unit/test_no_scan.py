"""No request path may Scan a table: the code has no call that could."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "chalicelib"


def test_no_module_scans_a_table() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if any(call in path.read_text() for call in (".scan(", "Scan(", "'Scan'", '"Scan"'))
    ]

    assert offenders == []
