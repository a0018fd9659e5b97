"""``python -m benchmarks [--quick] [--only NAME] [--reps N]``: run and print the table."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from . import BENCHMARKS
from .harness import print_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes and 3 repetitions (CI smoke run)")
    parser.add_argument("--only", metavar="NAME", choices=list(BENCHMARKS),
                        help="run one benchmark: " + ", ".join(BENCHMARKS))
    parser.add_argument("--reps", type=int, metavar="N",
                        help="repetitions per measurement (default 5, or 3 with --quick)")
    args = parser.parse_args(argv)
    try:
        import Axon
    except ImportError:
        parser.error("cannot import Axon: install the package (pip install -e .) "
                     "or run with PYTHONPATH=src")
    reps = args.reps or (3 if args.quick else 5)
    names = [args.only] if args.only else list(BENCHMARKS)

    print(f"Axon benchmarks ({'quick' if args.quick else 'full'} run, best of {reps}, "
          f"interleaved with baselines)")
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), "
          f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; "
          f"Axon from {os.path.dirname(Axon.__file__)}")
    print()
    sections = []
    began = time.perf_counter()
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        sections.append((name, BENCHMARKS[name].run(args.quick, reps)))
    met, checked = print_table(sections)
    print()
    print(f"targets met: {met}/{checked}   ({time.perf_counter() - began:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
