"""Benchmarks for Axon against baselines measured in the same run.

Run from the repository root (with the package installed, or ``PYTHONPATH=src``)::

    python -m benchmarks                 # full run (5 interleaved repetitions)
    python -m benchmarks --quick         # smaller sizes, 3 repetitions (CI smoke, < 30 s)
    python -m benchmarks --only pipeline-one

Each benchmark prints its figures (best of the repetitions, and all runs),
ratios of bests against its baselines and whether the DESIGN.md performance
target is met (PASS/MISS). Figures from ``--quick`` are indicative only.
Timings are never asserted in tests; a MISS does not change the exit status,
a broken pipeline (messages lost) does.

Modules: :mod:`.harness` (shared timing and table helpers), :mod:`._httpload`
(the HTTP and WebSocket load generator), :mod:`._chain` (passthrough
pipelines of any length) and one module per benchmark, whose docstring says
what it measures and why its baseline is fair.
"""

import importlib
from types import ModuleType

#: Benchmark modules in the order they run.
_ORDER = ("pipeline_batch", "pipeline_one", "pipeline_114", "pipeline_asyncio_mode",
          "idle_components", "component_cost", "idle_cpu", "backplane", "processes", "files",
          "echo_server", "server_memory", "parser_worst_case", "http_server", "static_download",
          "websocket_echo", "ui_idle", "grey_proxy", "transcoder", "whiteboard", "dvb_demux",
          "statistics_overhead", "scale_pipeline", "scale_components", "scale_tcp",
          "scale_backplane")


def __getattr__(name: str) -> dict[str, ModuleType]:
    # BENCHMARKS, by name, imported on first use: a child process that
    # imports one helper module (benchmarks._processwork, in the process
    # benchmark) then does not import all the others (about 50 ms each time).
    if name != "BENCHMARKS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    modules = [importlib.import_module(f"{__name__}.{module}") for module in _ORDER]
    table = {module.NAME: module for module in modules}
    globals()["BENCHMARKS"] = table
    return table
