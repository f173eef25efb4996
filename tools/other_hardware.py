"""Check the chapters' stored outputs under stand-ins for a reader's other CPU.

    python -m tools.other_hardware               # every stand-in, one after the other
    python -m tools.other_hardware onednn-off    # one (the GitHub workflow runs one per job)

The outputs are stored on one CPU, and a reader's may round differently. Each stand-in re-runs
nbval over ``chapters/`` with TensorFlow made to compute differently from that machine:
``onednn-off`` uses TensorFlow's own Eigen kernels (another summation order), ``avx2`` limits
oneDNN to the AVX2 instruction set. Exits with 1 if any stand-in fails.
"""

import subprocess
import sys

from tools.common import REPO_ROOT, notebook_environment

STAND_INS = {
    "onednn-off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
    "avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2"},
}


def run(name):
    """Run nbval over the chapters under the stand-in ``name``; return pytest's exit code."""
    print(f"== stand-in {name}: {STAND_INS[name]}", flush=True)
    env = {**notebook_environment(), **STAND_INS[name]}
    return subprocess.run([sys.executable, "-m", "pytest", "chapters", "-q"],
                          cwd=REPO_ROOT, env=env, check=False).returncode


def main(names):
    unknown = sorted(set(names) - set(STAND_INS))
    if unknown:
        sys.exit(f"unknown stand-in {', '.join(unknown)}; choose from {', '.join(STAND_INS)}")
    names = names or list(STAND_INS)
    failed = [name for name in names if run(name) != 0]
    print(f"other hardware: {len(names) - len(failed)} stand-ins passed"
          + (f", failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
