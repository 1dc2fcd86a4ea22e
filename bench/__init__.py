"""On-demand benchmarks of the AQB-Dashboard: `.venv/bin/python -m bench` (see bench/README.md).

Every result is a ratio against a baseline measured in the same run, never an absolute time, and
nothing here runs as a test.
"""
