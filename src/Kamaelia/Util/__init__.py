"""Utility components: console I/O, data sources, transformers, ..."""
