"""Check the chapters' stored outputs under stand-ins for a reader's other hardware.

    python .ci/other_hardware.py                 # every stand-in, one after the other
    python .ci/other_hardware.py onednn-off      # just one (the GitHub workflow runs one per job)

The stored outputs are made on one CPU, and a reader's CPU may round differently. Each stand-in
re-runs the notebook comparison (nbval over ``chapters/``, as in the test command) with
TensorFlow made to compute differently from the machine that stored the outputs:

* ``onednn-off``: ``TF_ENABLE_ONEDNN_OPTS=0``, TensorFlow's own Eigen kernels instead of oneDNN,
  another summation order;
* ``avx2``: ``ONEDNN_MAX_CPU_ISA=AVX2``, oneDNN limited to the AVX2 instruction set.

It prints each stand-in's result and exits with 1 if any failed.
"""

import os
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
from notebook_env import NOTEBOOK_ENV, REPO_ROOT

STAND_INS = {
    "onednn-off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
    "avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2"},
}


def run(name):
    """Run nbval over the chapters under the stand-in ``name``; return pytest's exit code."""
    env = {**os.environ, **NOTEBOOK_ENV, **STAND_INS[name]}
    print(f"== stand-in {name}: {STAND_INS[name]}", flush=True)
    return subprocess.run([sys.executable, "-m", "pytest", "chapters", "-q"],
                          cwd=REPO_ROOT, env=env, check=False).returncode


def main(names):
    unknown = sorted(set(names) - set(STAND_INS))
    if unknown:
        sys.exit(f"unknown stand-in {', '.join(unknown)}; choose from {', '.join(STAND_INS)}")
    failed = [name for name in names or STAND_INS if run(name) != 0]
    print(f"other hardware: {len(names or STAND_INS) - len(failed)} stand-ins passed"
          + (f", failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
