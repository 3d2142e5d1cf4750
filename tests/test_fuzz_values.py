"""The short seeded round of tests/fuzz_values.py: mutated VALUES snippets from the fixtures,
read by the C scanner built with AddressSanitizer and UBSan, by the slow path and by MariaDB,
must agree (or dumpkit must report the difference); any sanitizer report fails the round.
A long run: `python -m tests.fuzz_values --cases 200000` (see bench/README.md)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.fuzz_values import FINDINGS, ROOT, build_sanitized, libasan, sanitizer_env
from tests.servers import missing_requirement

CASES, SEED = 600, 20240501


@pytest.fixture(scope="session")
def sanitized_scanner(tmp_path_factory):
    if shutil.which("gcc") is None or libasan() is None:
        missing_requirement("gcc with AddressSanitizer (libasan) is needed to fuzz the C scanner")
    return build_sanitized(tmp_path_factory.mktemp("asan"))


@pytest.mark.slow
def test_fuzzed_values_agree_with_the_slow_path_and_mariadb(mariadb, sanitized_scanner):
    proc = subprocess.run([sys.executable, "-m", "tests.fuzz_values", "--cases", str(CASES), "--seed", str(SEED),
                           "--socket", str(mariadb.socket), "--scanner", str(sanitized_scanner), "--json"],
                          cwd=ROOT, env=sanitizer_env(), capture_output=True, text=True, timeout=600)
    report = proc.stdout[-6000:] + proc.stderr[-6000:]
    assert proc.returncode == 0, report  # a finding, or a sanitizer's abort
    outcomes = json.loads(proc.stdout.strip().splitlines()[-1])
    assert sum(outcomes.values()) == CASES and not any(outcomes.get(f) for f in FINDINGS), report
    assert outcomes.get("agree", 0) > CASES // 5, outcomes  # the round reaches real values, not only syntax errors


def test_the_sanitized_build_catches_undefined_behaviour(tmp_path):
    """The harness's sanitizers are live: a signed overflow in C aborts the process."""
    if shutil.which("gcc") is None or libasan() is None:
        missing_requirement("gcc with AddressSanitizer (libasan) is needed to fuzz the C scanner")
    src = tmp_path / "overflow.c"
    src.write_text("#include <stdint.h>\n#include <stdio.h>\nint main(int c, char **v) {\n"
                   "  int64_t x = INT64_MAX - 1 + c; x = x * 10; printf(\"%lld\\n\", (long long)x); return 0; }\n")
    from tests.fuzz_values import SANITIZE_FLAGS

    subprocess.run(["gcc", *SANITIZE_FLAGS, str(src), "-o", str(tmp_path / "overflow")], check=True)
    run = subprocess.run([str(tmp_path / "overflow")], capture_output=True, text=True)
    assert run.returncode != 0 and "signed integer overflow" in run.stderr
