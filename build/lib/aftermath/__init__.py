"""Aftermath's engine: reads the exports, builds the impact tables, reports and exports them.

Nothing here imports Streamlit; the dashboard (the `dashboard` package) reads what this builds.
"""
