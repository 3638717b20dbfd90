"""e-Laos benchmarks: `make bench` (or `python -m benchmarks`) runs every `bench_*.py` module here and prints one
JSON object per result on stdout. See benchmarks/README.md for what each one measures and how to read `ratio`."""
