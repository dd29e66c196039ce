"""Benchmark harness: our build side by side with Hugo and Pelican (`make bench`)."""
