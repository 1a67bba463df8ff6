"""Trained models shipped with the package (LightGBM text files)."""
