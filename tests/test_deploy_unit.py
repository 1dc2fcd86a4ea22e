"""The sample systemd unit of deploy/ as systemd reads it (`systemd-analyze verify`); the browser test
tests/e2e/test_deployment.py starts the instances with its command line behind the nginx site of deploy/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "systemd" / "aqb-dashboard@.service"
ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(ANALYZE is None, reason="kein systemd-analyze (Debian: Paket systemd)")
def test_the_unit_verifies_with_the_checkout_in_place_of_the_install_folder(tmp_path: Path) -> None:
    text = UNIT.read_text(encoding="utf-8").replace("/opt/aqb-dashboard", str(ROOT))
    text = text.replace("/etc/aqb-dashboard/aqb-dashboard.env", str(ROOT / "deploy" / "aqb-dashboard.env.example"))
    assert (ROOT / ".venv" / "bin" / "python").exists() or pytest.skip("keine .venv im Projekt (./test.sh legt sie an)")
    unit = tmp_path / UNIT.name
    unit.write_text(text, encoding="utf-8")

    result = subprocess.run(
        [ANALYZE, "verify", str(tmp_path / "aqb-dashboard@8501.service")], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    # Unknown keys or values are only warnings for systemd: none may be there.
    assert UNIT.name not in result.stderr, result.stderr
