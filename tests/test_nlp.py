"""The NLP adapter: the build's thinc ops parse exactly as spaCy's defaults do, faster."""

from __future__ import annotations

from pathlib import Path

from newsfacts.extract.nlp import (
    PIPE_BATCH_SIZE,
    load_model,
    load_spacy_pipeline,
    parse_texts,
    to_parsed_text,
)


def model_ops(nlp) -> set[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """(ops name, uses BLIS) of every layer of every trainable component."""
    return {(layer.ops.name, layer.ops.use_blis)
            for _, pipe in nlp.pipeline if getattr(pipe, "model", None) is not None
            for layer in pipe.model.walk()}


def test_the_build_model_multiplies_with_numpy_in_one_blas_thread() -> None:
    from threadpoolctl import threadpool_info

    nlp = load_model()
    # spaCy builds the parser's and NER's output layer under "cpu" ops itself; its greedy
    # parse does not multiply through that layer's ops.
    blis_layers = {layer.name for _, pipe in nlp.pipeline
                   if getattr(pipe, "model", None) is not None
                   for layer in pipe.model.walk() if layer.ops.use_blis}
    assert blis_layers == {"linear"}
    assert ("numpy", False) in model_ops(nlp)
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
    assert model_ops(load_spacy_pipeline(fast_ops=False)) == {("numpy", True)}


def test_the_build_parses_the_seeds_as_spacy_defaults_do(seeds_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    defaults = load_spacy_pipeline(fast_ops=False)
    expected = [to_parsed_text(doc) for doc in defaults.pipe(texts, batch_size=PIPE_BATCH_SIZE)]
    parsed = list(parse_texts(texts))
    assert len(parsed) == 2 and parsed == expected
    assert all(p.tokens and p.entities and p.sentences for p in parsed)
