"""Fetching over HTTP(S): polite, bounded and conditional; every body kept in the raw store."""
