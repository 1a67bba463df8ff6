"""Extraction stage: article fields, datelines, places and dates from cleaned text."""
