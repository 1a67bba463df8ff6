"""Language identification with py3langid (its model ships inside the package)."""

from __future__ import annotations

from functools import cache

MIN_CHARS_FOR_LANGUAGE = 40  # below this, langid guesses are noise
# langid's cost grows with the text; a few paragraphs decide the language as well as all.
SAMPLE_CHARS = 2000


@cache
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short to tell."""
    if len(text.strip()) < MIN_CHARS_FOR_LANGUAGE:
        return None
    lang, _prob = _identifier().classify(text[:SAMPLE_CHARS])
    return str(lang)
