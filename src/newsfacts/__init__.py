"""newsfacts: raw news articles in, open validated datasets out."""

__version__ = "0.1.0"
