"""Cleaning: text normalisation, boilerplate removal and language detection."""
