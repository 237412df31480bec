"""Benchmarks of Mercato's pure stages, runnable as modules (`python -m bench.extractor`)."""
