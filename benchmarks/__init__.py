"""Benchmarks (not tests): scripts run by hand that print ratios against same-run baselines.

A package only so gunicorn can import `benchmarks.settings` and `benchmarks.urls`.
"""
