"""The throughput benchmark: `make bench` (see README, "Benchmarks")."""
