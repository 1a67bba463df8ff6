"""Score article metadata (title, author, site, date) on a metadata corpus, raw text in.

Each `<id>.raw.txt` goes through the real text path of the pipeline: ingest's
`raw_article_from_bytes`, `clean_article`, `extract_article` (as `pipeline.process_item`).
A Rejection at any stage predicts nothing, and a field with gold but no prediction is wrong.
Gold is `<id>.gold.json` (`../shared/eval/README.md`): a null gold value is skipped; each
field is scored on all pages with gold and on those whose gold is visible in the raw text.

Matching rules (`normalize`: Unicode NFKC, case-folded, curly quotes and dashes made plain,
every run of non-word characters made one space, stripped; an empty prediction never matches):

* title: normalize(prediction) equals normalize(gold), or normalize(gold) with one or two
  trailing site segments cut off: a separator (" | ", " - ", " – ", " — ", " · ", " :: ",
  " _", "_") followed by at most `MAX_SUFFIX_WORDS` words ("Headline | Site",
  "Headline - Author - Site"). The gold titles are Readability's, often the page `<title>`
  with such a suffix; a prediction must still be the whole headline, so a prefix fails.
* author: the set of names is equal. Names are the gold split on ";", "," and the words
  "and"/"und"/"et"/"y", each normalised, a leading "by"/"par"/"von"/"por"/"di" dropped; the
  whole normalised strings being equal also counts (a comma inside one name: "Doe, Jane").
  A gold byline with extra words ("Jane Doe Staff Writer") needs exactly those words.
* site: normalised as above, then a leading "the ", a leading "www." and a trailing
  ".<tld>" dropped and the spaces removed: "The Daily Planet" == "dailyplanet.com".
* date: the gold `YYYY-MM-DD` equals the predicted `published_date`, which must have day
  precision (a month or a year cannot match a day).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsfacts.clean.article import clean_article
from newsfacts.extract.article import extract_article
from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.records import Article, CleanArticle, RawArticle

FIELDS = ("title", "author", "site", "date")
MAX_SUFFIX_WORDS = 6
MAX_SUFFIXES = 2
PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
NON_WORD = re.compile(r"[\W_]+")
SUFFIX = re.compile(r"(?:\s+(?:\||-|–|—|·|::)\s+|\s*_)(?P<suffix>[^|_]+?)\s*$")
AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|\band\b|\bund\b|\bet\b|\by\b|&)\s*", re.IGNORECASE)
BY_PREFIX = re.compile(r"^(?:by|par|von|por|di)\s+")
SITE_PREFIX = re.compile(r"^(?:the\s+|www\.)")
SITE_TLD = re.compile(r"\.[a-z]{2,6}$")


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the pipeline said about one page; all None when it rejected the page."""

    title: str | None
    author: str | None
    site: str | None
    date: str | None  # YYYY-MM-DD, only for a day-precision published_date
    rejected: str | None = None  # the reason code when the page did not become an Article


@dataclass(frozen=True, slots=True)
class FieldScore:
    """Correct predictions of one field on the visible subset and on all pages with gold."""

    field: str
    visible_correct: int
    visible_n: int
    all_correct: int
    all_n: int

    @property
    def visible_accuracy(self) -> float:
        return self.visible_correct / self.visible_n if self.visible_n else 0.0

    @property
    def all_accuracy(self) -> float:
        return self.all_correct / self.all_n if self.all_n else 0.0


@dataclass(frozen=True, slots=True)
class DocResult:
    """One page: its gold, the prediction and, per field with gold, (visible, correct)."""

    doc_id: str
    gold: dict[str, Any]
    prediction: Prediction
    outcomes: dict[str, tuple[bool, bool]]


@dataclass(frozen=True, slots=True)
class MetadataEvaluation:
    """Every page of one corpus scored, and the per-field totals."""

    corpus: str
    docs: tuple[DocResult, ...]
    scores: tuple[FieldScore, ...]

    def score(self, field: str) -> FieldScore:
        """The totals of one field."""
        return next(s for s in self.scores if s.field == field)


def normalize(text: str) -> str:
    """Case-, punctuation- and whitespace-insensitive form of a value."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(PLAIN)
    return NON_WORD.sub(" ", text).strip()


def title_variants(gold: str) -> set[str]:
    """The gold title, and it with one or two short trailing site segments cut off."""
    variants = {normalize(gold)}
    current = gold.strip()
    for _ in range(MAX_SUFFIXES):
        match = SUFFIX.search(current)
        if match is None or len(match.group("suffix").split()) > MAX_SUFFIX_WORDS:
            break
        current = current[: match.start()].strip()
        variants.add(normalize(current))
    return {v for v in variants if v}


def match_title(prediction: str | None, gold: str) -> bool:
    """Whether a predicted headline is the gold title (see the module docstring)."""
    return bool(prediction) and normalize(prediction or "") in title_variants(gold)


def author_names(text: str) -> frozenset[str]:
    """The normalised names of a byline, without a leading "By"."""
    names = (BY_PREFIX.sub("", normalize(part)) for part in AUTHOR_SPLIT.split(text))
    return frozenset(name for name in names if name)


def match_author(prediction: str | None, gold: str) -> bool:
    """Whether the predicted author(s) are the gold ones, as a set of names."""
    if not prediction:
        return False
    whole = BY_PREFIX.sub("", normalize(prediction)) == BY_PREFIX.sub("", normalize(gold))
    names = author_names(prediction)
    return whole or (bool(names) and names == author_names(gold))


def site_key(text: str) -> str:
    """A site name compared without "the", "www.", a top-level domain or spaces."""
    lowered = unicodedata.normalize("NFKC", text).casefold().strip()
    lowered = SITE_TLD.sub("", SITE_PREFIX.sub("", lowered))
    return normalize(lowered).replace(" ", "")


def match_site(prediction: str | None, gold: str) -> bool:
    """Whether the predicted site names the gold site."""
    key = site_key(gold)
    return bool(prediction) and bool(key) and site_key(prediction or "") == key


def match_date(prediction: str | None, gold: str) -> bool:
    """Whether the predicted day is the gold day."""
    return prediction is not None and prediction == gold


MATCHERS: dict[str, Callable[[str | None, str], bool]] = {
    "title": match_title, "author": match_author, "site": match_site, "date": match_date,
}


def prediction_of(article: Article) -> Prediction:
    """The scored fields of an extracted article."""
    date = article.published_date
    day = date.isoformat() if date is not None and article.published_date_precision == "day" \
        else None
    return Prediction(article.title, article.author, article.site, day)


def predict_with_newsfacts(doc_id: str, text: str) -> Prediction:
    """The real ingest, clean and extract stages on one page of raw text."""
    raw = raw_article_from_bytes(f"eval/{doc_id}", text.encode("utf-8"))
    if not isinstance(raw, RawArticle):
        return Prediction(None, None, None, None, raw.reason)
    clean = clean_article(raw)
    if not isinstance(clean, CleanArticle):
        return Prediction(None, None, None, None, clean.reason)
    article = extract_article(clean)
    if not isinstance(article, Article):
        return Prediction(None, None, None, None, article.reason)
    return prediction_of(article)


def score_document(doc_id: str, gold: dict[str, Any], prediction: Prediction) -> DocResult:
    """(visible, correct) for every field that has gold on this page."""
    outcomes = {
        field: (bool(gold.get(f"{field}_visible")),
                MATCHERS[field](getattr(prediction, field), gold[field]))
        for field in FIELDS
        if gold.get(field) is not None
    }
    return DocResult(doc_id, gold, prediction, outcomes)


def total_scores(docs: list[DocResult]) -> tuple[FieldScore, ...]:
    """Per field: correct and n on the visible subset and on all pages with gold."""
    scores = []
    for field in FIELDS:
        outcomes = [d.outcomes[field] for d in docs if field in d.outcomes]
        visible = [correct for is_visible, correct in outcomes if is_visible]
        scores.append(FieldScore(field, sum(visible), len(visible),
                                 sum(c for _, c in outcomes), len(outcomes)))
    return tuple(scores)


def list_metadata_documents(corpus_dir: Path) -> list[str]:
    """Ids that have both `<id>.raw.txt` and `<id>.gold.json`, sorted."""
    ids = {p.name.removesuffix(".raw.txt") for p in corpus_dir.glob("*.raw.txt")}
    return sorted(i for i in ids if (corpus_dir / f"{i}.gold.json").is_file())


def evaluate_metadata_corpus(
    corpus_dir: Path, predict: Callable[[str, str], Prediction] = predict_with_newsfacts
) -> MetadataEvaluation:
    """Run `predict` (default: the real pipeline) on every page and score it against gold."""
    docs = []
    for doc_id in list_metadata_documents(corpus_dir):
        text = (corpus_dir / f"{doc_id}.raw.txt").read_bytes().decode("utf-8", "replace")
        gold = json.loads((corpus_dir / f"{doc_id}.gold.json").read_text("utf-8"))
        docs.append(score_document(doc_id, gold, predict(doc_id, text)))
    return MetadataEvaluation(corpus_dir.name, tuple(docs), total_scores(docs))
