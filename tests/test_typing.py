"""Type hints are consistent: mypy finds no errors in src/Axon and the network layer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_axon_type_checks_cleanly() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports",
                             "--no-error-summary", str(ROOT / "src" / "Axon")],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_network_layer_type_checks_cleanly() -> None:
    paths = [ROOT / "src" / "Kamaelia" / name for name in
             ("IPC.py", "BaseIPC.py", "Internet", "Protocol", "Chassis/ConnectedServer.py")]
    result = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports",
                             "--no-error-summary", "--follow-imports=silent",
                             *map(str, paths)],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
