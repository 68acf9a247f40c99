"""Project tooling: training by fingerprint, evaluation, benchmarks."""
