"""Score the cleaner on a boilerplate corpus: raw text (or HTML) in, shingle P/R/F1 out.

Whether the headline is scored with the body is a property of the corpus's gold, stated per
corpus in `GOLD_WITH_HEADLINE` and applied the same way whatever headline we chose: AEB's
gold is schema.org `articleBody`, which has no headline, so its pages are scored on the body
alone; dragnet's gold content blocks start with the headline, so its pages are scored on the
headline and the body (the cleaned text). Each text run also prints the other convention
(`OTHER_CONVENTION`), so a change can be judged under both.
"""

from __future__ import annotations

import dataclasses
import gzip
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsfacts.clean.article import body_text, clean_article
from newsfacts.evaluate.shingles import Scores, TpFpFn, corpus_scores, f1_score, shingle_match
from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.records import CleanArticle, RawArticle, TextFormat

KEEP_EVERYTHING = "keep everything"
NEWSFACTS = "newsfacts"
WITH_HEADLINE = "newsfacts headline+body"
BODY_ONLY = "newsfacts body only"
# Corpora (folder names) whose gold bodies include the headline. dragnet: the first gold line
# is a short line of the page without a final full stop (3-30 words: the headline, or a date
# line above it) on 1,290 of its 1,379 pages; aeb (AEB articleBody, no headline): 19 of 181.
GOLD_WITH_HEADLINE = frozenset({"dragnet"})
TRAFILATURA = "trafilatura"
TRAFILATURA_NEWSFACTS = "trafilatura+newsfacts"

Predict = Callable[[str, str], str]  # (doc_id, input text or HTML) -> predicted article text


@dataclass(frozen=True, slots=True)
class SystemResult:
    """One system on one corpus: its per-document (tp, fp, fn), corpus scores and wall time."""

    name: str
    per_doc: tuple[TpFpFn, ...]
    scores: Scores
    seconds: float

    def doc_f1(self, index: int) -> float:
        """F1 of one document, for ranking the worst ones."""
        return f1_score(*self.per_doc[index])


@dataclass(frozen=True, slots=True)
class CleanEvaluation:
    """Several systems scored on the same documents of one corpus, in document-id order."""

    corpus: str
    mode: str  # "text" (raw.txt input) or "html" (html.gz input)
    doc_ids: tuple[str, ...]
    systems: tuple[SystemResult, ...]
    notes: tuple[str, ...] = ()

    def system(self, name: str) -> SystemResult:
        """The result of the system called `name`."""
        for result in self.systems:
            if result.name == name:
                return result
        raise KeyError(f"{name!r} was not run on {self.corpus} ({self.mode} mode)")


def list_documents(corpus_dir: Path, input_suffix: str) -> list[str]:
    """Ids that have both `<id><input_suffix>` and `<id>.gold.txt`, sorted."""
    ids = {p.name.removesuffix(input_suffix) for p in corpus_dir.glob(f"*{input_suffix}")}
    return sorted(i for i in ids if (corpus_dir / f"{i}.gold.txt").is_file())


def read_text(path: Path) -> str:
    """A corpus text file; the corpora are UTF-8 (their README), a stray bad byte is replaced."""
    return path.read_bytes().decode("utf-8", errors="replace")


def read_html(path: Path) -> str:
    """A gzipped page, decoded as our HTML ingest decodes it (BOM, declared charset, UTF-8).

    Decoded once, so that both HTML systems get the same string and differ only in extraction.
    """
    from newsfacts.ingest.html import decode_html_bytes

    return decode_html_bytes(gzip.decompress(path.read_bytes()))


def clean_to_article(doc_id: str, text: str, text_format: TextFormat = "text"
                     ) -> CleanArticle | None:
    """The real ingest + clean stages on one text; None for a Rejection at either."""
    raw = raw_article_from_bytes(f"eval/{doc_id}", text.encode("utf-8"))
    if not isinstance(raw, RawArticle):
        return None
    cleaned = clean_article(dataclasses.replace(raw, text_format=text_format))
    return cleaned if isinstance(cleaned, CleanArticle) else None


def scored_text(cleaned: CleanArticle | None, with_headline: bool) -> str:
    """What is compared with the gold: the cleaned text, or its body without the headline
    (which becomes `articles.title`); nothing for a rejected page."""
    if cleaned is None:
        return ""
    return cleaned.text if with_headline else body_text(cleaned)


def clean_with_newsfacts(doc_id: str, text: str, text_format: TextFormat = "text") -> str:
    """The real ingest + clean stages on one text, scored as its body without the headline."""
    return scored_text(clean_to_article(doc_id, text, text_format), with_headline=False)


def extract_with_trafilatura(_doc_id: str, html: str) -> str:
    """trafilatura 2.3.1 alone, main text as plain text; no result predicts nothing."""
    import trafilatura

    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_precision=False,
        deduplicate=False, output_format="txt", with_metadata=False,
    )
    return text or ""


def score_system(
    name: str, predict: Predict, doc_ids: list[str], inputs: list[str], golds: list[str]
) -> SystemResult:
    """Run one system over all documents, timing it, and score its predictions."""
    start = time.perf_counter()
    per_doc = tuple(
        shingle_match(gold, predict(doc_id, text))
        for doc_id, text, gold in zip(doc_ids, inputs, golds, strict=True)
    )
    seconds = time.perf_counter() - start
    return SystemResult(name, per_doc, corpus_scores(list(per_doc)), seconds)


def ignore_doc_id(function: Callable[[str], str]) -> Predict:
    """A text -> text function as a Predict (which also receives the document id)."""
    return lambda _doc_id, text: function(text)


def then_clean(html_to_text: Callable[[str], str]) -> Predict:
    """Our HTML path: HTML to text, then the real cleaner on that text."""
    return lambda doc_id, html: clean_with_newsfacts(doc_id, html_to_text(html), "html")


def gold_has_headline(corpus_dir: Path) -> bool:
    """Whether the corpus's gold bodies include the headline (`GOLD_WITH_HEADLINE`)."""
    return corpus_dir.name in GOLD_WITH_HEADLINE


def evaluate_clean_corpus(
    corpus_dir: Path, clean: Callable[[str], str] | None = None, with_baseline: bool = True
) -> CleanEvaluation:
    """Score keep-everything and the cleaner (default: the real one) on every raw/gold pair.

    The real cleaner is scored under the corpus's convention (`NEWSFACTS`) and, from the
    same cleaned pages, under the other one (`WITH_HEADLINE` or `BODY_ONLY`).
    """
    doc_ids = list_documents(corpus_dir, ".raw.txt")
    raws = [read_text(corpus_dir / f"{i}.raw.txt") for i in doc_ids]
    golds = [read_text(corpus_dir / f"{i}.gold.txt") for i in doc_ids]
    if clean is not None:
        systems = [score_system(NEWSFACTS, ignore_doc_id(clean), doc_ids, raws, golds)]
    else:
        with_headline = gold_has_headline(corpus_dir)
        cleaned: dict[str, CleanArticle | None] = {}

        def predict(doc_id: str, text: str) -> str:
            cleaned[doc_id] = clean_to_article(doc_id, text)
            return scored_text(cleaned[doc_id], with_headline)

        def other(doc_id: str, _text: str) -> str:
            return scored_text(cleaned[doc_id], not with_headline)

        other_name = BODY_ONLY if with_headline else WITH_HEADLINE
        systems = [score_system(NEWSFACTS, predict, doc_ids, raws, golds),
                   score_system(other_name, other, doc_ids, raws, golds)]
    if with_baseline:
        # the floor every cleaner must beat: the raw text as it is
        baseline = score_system(KEEP_EVERYTHING, ignore_doc_id(str), doc_ids, raws, golds)
        systems.insert(0, baseline)
    return CleanEvaluation(corpus_dir.name, "text", tuple(doc_ids), tuple(systems))


def load_html_to_text() -> tuple[Callable[[str], str] | None, str]:
    """Our HTML-to-text step if it exists yet, else None and why not."""
    try:
        from newsfacts.ingest.html import html_to_text
    except ImportError as err:
        why = f"newsfacts.ingest.html.html_to_text is not importable ({err})"
        return None, f"{TRAFILATURA_NEWSFACTS} skipped: {why}"
    return html_to_text, ""


def evaluate_html_corpus(corpus_dir: Path, include_trafilatura: bool = True) -> CleanEvaluation:
    """Score trafilatura alone and our HTML path + cleaner on every html.gz/gold pair.

    Our path is skipped, with a note saying why, while `newsfacts.ingest.html` cannot be imported.
    """
    doc_ids = list_documents(corpus_dir, ".html.gz")
    htmls = [read_html(corpus_dir / f"{i}.html.gz") for i in doc_ids]
    golds = [read_text(corpus_dir / f"{i}.gold.txt") for i in doc_ids]
    systems: list[SystemResult] = []
    if include_trafilatura:
        systems.append(score_system(TRAFILATURA, extract_with_trafilatura, doc_ids, htmls, golds))
    html_to_text, note = load_html_to_text()
    if html_to_text is not None:
        ours = then_clean(html_to_text)
        systems.append(score_system(TRAFILATURA_NEWSFACTS, ours, doc_ids, htmls, golds))
    notes = (note,) if note else ()
    return CleanEvaluation(corpus_dir.name, "html", tuple(doc_ids), tuple(systems), notes)
