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
(the HTTP and WebSocket load generator) and one module per benchmark, whose
docstring says what it measures and why its baseline is fair.
"""

from . import (backplane, component_cost, dvb_demux, echo_server, files, grey_proxy, http_server,
               idle_components, idle_cpu, parser_worst_case, pipeline_asyncio_mode, pipeline_batch, pipeline_one,
               processes, server_memory, static_download, statistics_overhead, transcoder, ui_idle,
               websocket_echo, whiteboard)

#: Benchmark modules in the order they run, by name.
BENCHMARKS = {module.NAME: module for module in
              (pipeline_batch, pipeline_one, pipeline_asyncio_mode, idle_components,
               component_cost, idle_cpu, backplane, processes, files, echo_server,
               server_memory, parser_worst_case, http_server, static_download, websocket_echo,
               ui_idle, grey_proxy, transcoder, whiteboard, dvb_demux, statistics_overhead)}
