"""Readers that turn a source into RawArticle records (or Rejections)."""
