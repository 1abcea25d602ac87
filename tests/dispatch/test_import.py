from __future__ import annotations

import subprocess
import sys


def test_import_does_not_pull_in_django():
    code = "import sys, fazhi.dispatch, fazhi.dispatch.cli; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"
