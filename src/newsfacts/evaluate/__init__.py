"""Evaluation: score the cleaner against the dev corpora with the AEB shingle metric."""
