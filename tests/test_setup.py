"""The README's set-up on a bare machine: .ci/setup asks for a compiler and the Python
headers when a C extension cannot be built, and `pip install .` gives a working wheel."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures/prestashop/ps-8.1.7.sql"


def dry_run(path: str) -> str:
    done = subprocess.run(["bash", str(ROOT / ".ci/setup"), "--dry-run"], env={"PATH": path, "HOME": "/tmp"},
                          capture_output=True, text=True, check=True)
    return done.stdout


def test_setup_asks_for_a_compiler_and_headers_when_none_is_there(tmp_path):
    # a PATH holding python3 and the shell tools, but no cc/gcc/clang: a bare cloud image
    bare = tmp_path / "bin"
    bare.mkdir()
    os.symlink(sys._base_executable, bare / "python3")
    for tool in ("bash", "dirname", "ls", "id"):
        os.symlink(shutil.which(tool), bare / tool)
    assert shutil.which("cc", path=str(bare)) is None
    assert "build-essential python3-dev" in dry_run(str(bare))


def test_setup_asks_for_nothing_to_build_on_this_machine():
    # the control: with the compiler and headers the same detection passes
    assert "build-essential" not in dry_run(os.environ["PATH"])


@pytest.mark.slow
def test_a_built_wheel_migrates_without_the_checkout(tmp_path):
    """The wheel carries its mappings and SQL: installed away from the checkout (plain
    `pip install .`, not -e), it runs a demo migration."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "-w", str(tmp_path / "wheel"), str(ROOT)], check=True, capture_output=True)
    wheel = next((tmp_path / "wheel").glob("dumpkit-*.whl"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k != "DUMPKIT_MAPPINGS"}
    env["PYTHONPATH"] = str(target)  # ahead of the editable install of the checkout
    code = ("import dumpkit, sys; assert dumpkit.__file__.startswith(sys.argv[1]), dumpkit.__file__; "
            "from dumpkit.cli import main; sys.argv[1:] = sys.argv[2:]; main()")
    done = subprocess.run([sys.executable, "-c", code, str(target), "migrate", str(FIXTURE), "-o",
                           str(tmp_path / "out"), "--demo", "--seed", "1"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert pq.read_table(tmp_path / "out" / "products.parquet").num_rows > 0
