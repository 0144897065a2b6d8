"""The benchmarks: python -m bench.run_all"""
