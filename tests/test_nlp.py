"""The NLP adapter: the build's speed-ups (thinc ops, table attribute ruler) parse exactly as
spaCy's defaults do."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfacts.extract.nlp import (
    PIPE_BATCH_SIZE,
    load_model,
    load_spacy_pipeline,
    parse_texts,
    to_parsed_text,
)


def layers(nlp) -> list:  # type: ignore[no-untyped-def]
    """Every layer of every trainable component."""
    return [layer for _, pipe in nlp.pipeline if getattr(pipe, "model", None) is not None
            for layer in pipe.model.walk()]


def model_ops(nlp) -> set[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """(ops name, uses BLIS) of every layer of every trainable component."""
    return {(layer.ops.name, layer.ops.use_blis) for layer in layers(nlp)}


def test_the_build_model_multiplies_with_numpy_in_one_blas_thread() -> None:
    from threadpoolctl import threadpool_info

    nlp = load_model()
    # spaCy builds the parser's and NER's output layer under "cpu" ops itself; its greedy
    # parse does not multiply through that layer's ops.
    assert {layer.name for layer in layers(nlp) if layer.ops.use_blis} == {"linear"}
    assert ("numpy", False) in model_ops(nlp)
    # numpy's OpenBLAS (thinc multiplies through numpy); a BLAS loaded later by another
    # package (scipy's) is not limited, and thinc does not use it
    numpy_blas = [pool for pool in threadpool_info()
                  if pool["user_api"] == "blas" and "numpy" in pool["filepath"]]
    assert [pool["num_threads"] for pool in numpy_blas] == [1]
    assert model_ops(load_spacy_pipeline(fast=False)) == {("numpy", True)}


def test_the_build_parses_the_seeds_as_spacy_defaults_do(seeds_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    defaults = load_spacy_pipeline(fast=False)
    expected = [to_parsed_text(doc) for doc in defaults.pipe(texts, batch_size=PIPE_BATCH_SIZE)]
    parsed = list(parse_texts(texts))
    assert len(parsed) == 2 and parsed == expected
    assert all(p.tokens and p.entities and p.sentences for p in parsed)


def test_one_token_rules_go_to_tables_and_the_rest_to_a_matcher() -> None:
    from newsfacts.extract.attribute_rules import TableAttributeRuler, table_entries

    nlp = load_model()
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, TableAttributeRuler)
    assert nlp.pipe_names == load_spacy_pipeline(fast=False).pipe_names
    # several tokens or a regular expression: matched as spaCy does
    assert len(ruler.rest) < 15 < len(ruler.attrs)
    strings = nlp.vocab.strings
    shape, keys, excluded = table_entries(
        {"TAG": {"IN": ["VBP", "VBZ"]}, "LOWER": "ai", "DEP": {"NOT_IN": ["det", ""]}},
        nlp.vocab)
    assert shape == (0, 1)  # LOWER, TAG
    assert sorted(keys) == sorted([(strings["ai"], strings["VBP"]),
                                   (strings["ai"], strings["VBZ"])])
    assert excluded == ((2, frozenset({strings["det"], 0})),)
    assert table_entries({"LOWER": {"REGEX": "^n[ou]thin'$"}}, nlp.vocab) is None
    assert table_entries({"NORM": "x"}, nlp.vocab) is None


def test_a_rule_overrides_an_earlier_one_attribute_by_attribute() -> None:
    """spaCy's order: later rules win; the fast ruler merges a token's rules the same way."""
    nlp = load_model()
    fast, slow = nlp.get_pipe("attribute_ruler"), load_spacy_pipeline(fast=False)
    text = "I ai n't gon na do it , y' all , nothin' is there and it is the one I gave it to ."
    expected = [(t.pos_, str(t.morph), t.lemma_) for t in slow(text)]
    assert [(t.pos_, str(t.morph), t.lemma_) for t in nlp(text)] == expected
    assert fast.merged  # tokens matched several rules, merged in rule order
    assert any(len(rules) > 1 for rules in fast.merged)


def test_parsing_leaves_spacy_vocabulary_as_it_was(seed_texts: dict[str, str]) -> None:
    """parse_texts runs in a memory zone: the strings of new words are freed after."""
    nlp = load_model()
    before = len(nlp.vocab.strings)
    invented = "Zqxvolian minister Brokkenhulst met Zqxvolian envoy Tramblewick in Quorvast."
    texts = [invented, *seed_texts.values()]
    first = list(parse_texts(texts))
    assert len(nlp.vocab.strings) == before
    assert "Brokkenhulst" not in nlp.vocab.strings
    assert [t.text for t in first[0].tokens][:3] == ["Zqxvolian", "minister", "Brokkenhulst"]
    assert list(parse_texts(texts)) == first  # the same records when parsed again


def test_parses_from_several_threads_wait_for_each_other(seed_texts: dict[str, str]) -> None:
    """The local flow runs batches in threads: their memory zones must not overlap, so a
    parse waits while another thread's is open; the records are those of a parse alone."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    texts = list(seed_texts.values())
    alone = list(parse_texts(texts))
    first = parse_texts(texts)
    next(first)  # this thread's parse is open
    other: list = []
    waiting = threading.Thread(target=lambda: other.extend(parse_texts(texts)))
    waiting.start()
    waiting.join(timeout=2.0)  # parsing the seeds takes ~0.2 s: it would be done by now
    assert waiting.is_alive() and not other
    first.close()
    waiting.join(timeout=60)
    assert not waiting.is_alive() and other == alone
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: list(parse_texts(texts)), range(8)))
    assert results == [alone] * 8


def test_a_second_parse_in_the_same_thread_must_wait_for_the_first(
        seed_texts: dict[str, str]) -> None:
    texts = list(seed_texts.values())
    first = parse_texts(texts)
    next(first)  # open: its memory zone holds the model
    with pytest.raises(RuntimeError, match="previous parse is still open"):
        next(parse_texts(texts))
    first.close()
    assert len(list(parse_texts(texts))) == 2  # closed: parsing goes on


def test_a_rule_added_later_is_applied() -> None:
    from newsfacts.extract.attribute_rules import use_table_attribute_ruler

    nlp = load_spacy_pipeline(fast=False)
    use_table_attribute_ruler(nlp)
    ruler = nlp.get_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "zqxword"}]], {"LEMMA": "zqxlemma"})
    assert [t.lemma_ for t in nlp("The zqxword fell.")][1] == "zqxlemma"


def test_the_parse_does_not_depend_on_the_pipe_batch_size(
        seed_texts: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """PIPE_BATCH_SIZE is chosen for memory (bench/README.md): it must not change a parse."""
    from newsfacts.extract import nlp

    texts = [*seed_texts.values(), *seed_texts.values()]
    default = list(parse_texts(texts))
    for size in (1, 3, 32):
        monkeypatch.setattr(nlp, "PIPE_BATCH_SIZE", size)
        assert list(parse_texts(texts)) == default, size
