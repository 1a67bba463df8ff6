"""spaCy's attribute ruler with its one-token rules looked up in tables instead of matched.

`en_core_web_sm`'s `attribute_ruler` maps every token's tag to its POS and morphology, plus
exceptions ("doin'" → lemma "do"), through a generic `Matcher`: ~1 match per token, each
turned into a Span and applied one by one, ~12 % of the whole parse's CPU (3.1 of 26.8 s on
200 dev articles, each component timed alone). Almost all of its 179 rules test one token's
LOWER, TAG, DEP or IS_SPACE for equality (IN and NOT_IN included), so they are looked up here
in one dictionary per combination of attributes; the 9 others (several tokens, regular
expressions) still go through a Matcher.

The result is the same: spaCy applies the matches sorted by rule number, later rules
overwriting earlier ones attribute by attribute, so each token gets its matching rules'
attributes merged in rule order (`tests/test_nlp.py` compares both on real text).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import product
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

# Token attributes a one-token rule may test by equality, as `Doc.to_array` gives them.
TABLE_ATTRS = {"LOWER": LOWER, "TAG": TAG, "DEP": DEP, "IS_SPACE": IS_SPACE}
COLUMNS = tuple(TABLE_ATTRS)
FACTORY = "newsfacts_attribute_ruler"

Shape = tuple[int, ...]  # the column indices a rule's table is keyed on
RuleKey = tuple[int, ...]  # the values of those columns, as `Doc.to_array` gives them
# A rule in a table: its number and the (column, values) its token must not have (NOT_IN).
TableRule = tuple[int, tuple[tuple[int, frozenset[int]], ...]]


def column_value(name: str, value: Any, vocab: Any) -> int | None:
    """A pattern value as the column holds it (a string's hash, a flag's 0/1), or None."""
    if name == "IS_SPACE":
        return int(value) if isinstance(value, bool) else None
    return vocab.strings.add(value) if isinstance(value, str) else None


def table_entries(token_spec: dict[str, Any], vocab: Any
                  ) -> tuple[Shape, list[RuleKey], tuple[tuple[int, frozenset[int]], ...]] | None:
    """How a one-token pattern goes into a table: the columns it is keyed on, every key it
    matches (one per combination of IN values) and its NOT_IN conditions; None when it
    tests anything else (an operator, a regular expression, another attribute)."""
    shape: list[int] = []
    choices: list[list[int]] = []
    excluded: list[tuple[int, frozenset[int]]] = []
    for name, value in token_spec.items():
        if name not in COLUMNS:
            return None
        column = COLUMNS.index(name)
        if isinstance(value, dict) and len(value) == 1 and ("IN" in value or "NOT_IN" in value):
            (operator, options), = value.items()
            hashed = [h for option in options
                      if (h := column_value(name, option, vocab)) is not None]
            if len(hashed) != len(options):
                return None
            if operator == "IN":
                shape.append(column)
                choices.append(hashed)
            else:
                excluded.append((column, frozenset(hashed)))
        elif (hashed_value := column_value(name, value, vocab)) is not None:
            shape.append(column)
            choices.append([hashed_value])
        else:
            return None
    if not shape:
        return None
    order = sorted(range(len(shape)), key=shape.__getitem__)
    keys = [tuple(key[i] for i in order) for key in product(*choices)]
    return tuple(shape[i] for i in order), keys, tuple(sorted(excluded))


class TableAttributeRuler(AttributeRuler):
    """An AttributeRuler that looks its one-token equality rules up in tables."""

    def __init__(self, vocab: Any, name: str = "attribute_ruler") -> None:
        super().__init__(vocab, name)
        self._compiled = False
        self.tables: dict[Shape, dict[RuleKey, list[TableRule]]] = {}
        self.rest = Matcher(vocab, validate=False)
        self.merged: dict[tuple[int, ...], dict[Any, Any]] = {}

    def add(self, patterns: Any, attrs: dict[Any, Any], index: int = 0) -> None:
        """AttributeRuler.add; the tables are rebuilt before the next document."""
        super().add(patterns, attrs, index)
        self._compiled = False

    def compile(self) -> None:
        """Sort the rules into lookup tables and the remaining Matcher."""
        tables: dict[Shape, dict[RuleKey, list[TableRule]]] = defaultdict(lambda: defaultdict(list))
        rest = Matcher(self.vocab, validate=False)
        for rule, patterns in enumerate(self._rule_patterns()):
            for pattern in patterns:
                found = table_entries(pattern[0], self.vocab) if len(pattern) == 1 else None
                if found is None or self.indices[rule] not in (0, -1):
                    rest.add(str(rule), [pattern])
                    continue
                shape, keys, excluded = found
                for key in keys:
                    tables[shape][key].append((rule, excluded))
        self.tables = {shape: dict(keys) for shape, keys in tables.items()}
        self.rest = rest
        self.merged = {}
        self._compiled = True

    def _rule_patterns(self) -> list[list[list[dict[str, Any]]]]:
        """Each rule's Matcher patterns, by rule number."""
        return [self.matcher.get(self.vocab.strings[str(rule)])[1]
                for rule in range(len(self.attrs))]

    def __call__(self, doc: Doc) -> Doc:
        if not self._compiled:
            self.compile()
        rules_of = self.token_rules(doc)
        for index, rules in rules_of.items():
            set_token_attrs(doc[index], self.merged_attrs(tuple(sorted(rules))))
        return doc

    def token_rules(self, doc: Doc) -> dict[int, set[int]]:
        """Token index -> the rules that match it (the token each rule's index points at)."""
        rules_of: dict[int, set[int]] = defaultdict(set)
        columns = doc.to_array([TABLE_ATTRS[name] for name in COLUMNS]).T.tolist()
        for shape, table in self.tables.items():
            keys = zip(*(columns[c] for c in shape), strict=True)
            for index, key in enumerate(keys):
                entries = table.get(key)
                if entries:
                    rules_of[index].update(
                        rule for rule, excluded in entries
                        if not any(columns[c][index] in values for c, values in excluded))
        for match_id, start, end in self.rest(doc, allow_missing=True):
            rule = int(self.vocab.strings[match_id])
            offset = self.indices[rule]
            target = start + offset if offset >= 0 else end + offset
            if not start <= target < end:
                raise ValueError(f"attribute rule {rule}: index {offset} outside the match "
                                 f"{doc[start:end].text!r}")
            rules_of[target].add(rule)
        return rules_of

    def merged_attrs(self, rules: tuple[int, ...]) -> dict[Any, Any]:
        """The attributes of rules applied in rule order (a later rule's value wins)."""
        if rules not in self.merged:
            merged: dict[Any, Any] = {}
            for rule in rules:
                merged.update(self.attrs[rule])
            self.merged[rules] = merged
        return self.merged[rules]


@Language.factory(FACTORY)
def make_table_attribute_ruler(nlp: Language, name: str) -> TableAttributeRuler:
    """The factory `use_table_attribute_ruler` swaps in (patterns are copied after)."""
    return TableAttributeRuler(nlp.vocab, name)


def use_table_attribute_ruler(nlp: Language) -> None:
    """Replace the pipeline's `attribute_ruler` by a TableAttributeRuler with its rules."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    rules = nlp.get_pipe("attribute_ruler").patterns
    ruler = nlp.replace_pipe("attribute_ruler", FACTORY)
    ruler.add_patterns(rules)
    ruler.compile()
