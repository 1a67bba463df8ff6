"""Events between actors from the dependency parse, coded like PLOVER with a CAMEO reading.

One sentence at a time (`extract_events`):
1. **Triggers**: verbs and nouns whose lemma is in `rules/events.json` (the most specific entry
   whose conditions hold), plus "X said Y must ..." (a DEMAND of X on Y). A light verb governing
   a trigger noun ("held talks") gives way to the noun; a trigger inside another trigger's
   arguments ("rejected a request to meet") is part of that event, not an event of its own,
   unless it is coordinated with it or a participle clause ("..., killing one and arresting 12").
   A trigger noun as the subject of a trigger verb ("a roadside bombing killed ...") makes one
   event of the noun's type with the verb's object.
2. **Actors**: actor1 is the subject (climbing through "agreed to ...", conjuncts, passive
   agents "by X"), or the possessor / modifier of a trigger noun ("Israel's invasion", "French
   mediation"); actor2 the direct and indirect object and the complements with with/to/against/
   on/into/from/between. An actor is every entity mention in the argument's noun phrase (with
   its conjuncts, possessors and of-phrases; then its in/from/for phrases if that gave no
   country). Conjoined subjects and no actor2 ("X and Y agreed") are one symmetric record.
   Countries come from the entities' facts, else from country words in the phrase; an actor2
   phrase naming no one ("demonstrators", "refugees") is placed in the event's location or,
   failing that, in actor1's country (domestic events), as event coders do; so is, in a
   domestic event, a side naming only country-less groups ("Moslem fundamentalists"). An
   ethnic group is coded by its territory ("the Albanians of southern Serbia"). The
   recipient may come from a content clause ("demanded that X ..."), a frame noun ("a
   mediation effort between X and Y"), a stance ("in defiance of X"), a concession
   ("despite pressure from X"), a content noun ("allegations that X ...") or, for a threat,
   its condition ("unless X ..."); an apposition never adds a second actor, and an official
   of an international body ("X, the UN envoy,") is coded as the body. A stance in the
   passive ("X is opposed to Y") is X's; "with X's help" names no recipient; a country
   after "anti-"/"pro-" is not the actor's; "their" in a reported clause is the reporter.
   Parser slips are mended where the shape is unambiguous: a main verb hung on the root
   noun, a preposition whose object became the next clause's subject, a bare verb
   conjoined with one that has the objects.
3. **Status**: planned ("will", "plans to", "is due to", an "upcoming" meeting), reported
   intention ("promised to", "is ready to", "would"), hypothetical ("may", "if", "unless"),
   else happened; negation separately. Following PLOVER/CAMEO, a cooperative act that is only
   promised or intended is AGREE (CAMEO 03x), and a conflictual act that is future or
   conditional is THREATEN (CAMEO 13x); a scheduled meeting stays CONSULT, status planned.
4. **Where, when, about what**: the first place in an in/at phrase of the event's clause; the
   time expression in the clause nearest the trigger (`event_dates`); topic words.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from newsfacts.extract import gazetteer
from newsfacts.extract.event_dates import find_time_expressions
from newsfacts.extract.event_links import link_meeting_references
from newsfacts.extract.nlp import ParsedText, Sentence, Token
from newsfacts.extract.places import country_of_country_name
from newsfacts.records import EventMatch, EventStatus, Mention, Span

ACTOR_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC"})
PLACE_TYPES = frozenset({"GPE", "LOC"})
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
OBJECT_DEPS = frozenset({"dobj", "dative", "iobj", "attr", "oprd"})
PATIENT_PREPOSITIONS = frozenset({"with", "to", "against", "on", "into", "from", "between",
                                  "toward", "towards", "at", "over", "upon", "for"})
NOUN_PATIENT_PREPOSITIONS = PATIENT_PREPOSITIONS | {"of", "among"}
PLACE_PREPOSITIONS = frozenset({"in", "at", "near"})
# Dependencies that stay inside an actor's noun phrase (tier 1), and the prepositions added
# when tier 1 names no country (tier 2: "rebels in Darfur", "forces from Chad").
PHRASE_DEPS = frozenset({"compound", "amod", "poss", "nmod", "appos", "conj", "cc", "det",
                         "nummod", "quantmod", "flat", "case", "npadvmod", "pobj", "punct"})
PHRASE_PREPOSITIONS = frozenset({"of"})
WIDE_PREPOSITIONS = frozenset({"in", "from", "for", "at", "within", "throughout", "across",
                               "to", "against", "on", "with", "into", "between", "among"})
# Clauses whose triggers are events of their own, not parts of the governing event.
SEPARATE_DEPS = frozenset({"conj", "parataxis"})
PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})
OWNER_PRONOUNS = frozenset({"their", "its"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "him", "her", "them",
                      "his", "its", "their", "our"})
CONFLICTUAL_TYPES = frozenset({"DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "PROTEST",
                               "MOBILIZE", "SANCTION", "COERCE", "ASSAULT", "FIGHT"})
# Event types mostly domestic: an unnamed side ("demonstrators", "police") is in the other
# side's country when the event's place says nothing (protesters target their own
# government; police act on their own citizens), as PLOVER and CAMEO coders code them.
DOMESTIC_TYPES = frozenset({"PROTEST", "COERCE", "CONCEDE", "FIGHT", "MOBILIZE"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One trigger of the lexicon: a lemma and part of speech, conditions, and its coding."""

    lemma: str
    pos: str
    event_type: str
    cameo: str
    mode: str | None
    with_words: frozenset[str]
    object_words: frozenset[str]
    subject_words: frozenset[str]
    object_entity: bool
    example: str

    @property
    def specificity(self) -> int:
        return (bool(self.with_words) + bool(self.object_words) + bool(self.subject_words)
                + self.object_entity)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The parsed rules/events.json."""

    version: str
    entries: dict[tuple[str, str], tuple[Entry, ...]]
    goldstein: dict[str, float]
    reverse_codes: dict[str, str]
    event_types: frozenset[str]
    light_verbs: frozenset[str]
    intent: dict[str, dict[str, str]]
    cues: dict[str, frozenset[str]]
    demand_modals: frozenset[str]
    frame_nouns: frozenset[str]
    statement_nouns: frozenset[str]
    stance_nouns: frozenset[str]
    stative_passives: frozenset[str]
    motion_verbs: frozenset[str]
    content_nouns: frozenset[str]
    stance_prefixes: frozenset[str]
    helper_nouns: frozenset[str]
    concession_prepositions: frozenset[str]
    concession_nouns: frozenset[str]
    topics: dict[str, str]
    venue_verbs: dict[str, str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """rules/events.json, indexed by (lemma, pos), specific entries first."""
    data: dict[str, Any] = gazetteer.load_rules("events.json")
    entries: dict[tuple[str, str], list[Entry]] = {}
    for raw in data["triggers"]:
        entry = Entry(raw["lemma"], raw["pos"], raw["type"], raw["cameo"], raw["mode"],
                      frozenset(raw.get("with", ())), frozenset(raw.get("object", ())),
                      frozenset(raw.get("subject", ())), bool(raw.get("object_entity")),
                      raw["example"])
        entries.setdefault((entry.lemma, entry.pos), []).append(entry)
    return Lexicon(
        version=data["version"],
        entries={k: tuple(sorted(v, key=lambda e: -e.specificity)) for k, v in entries.items()},
        goldstein={code: c["goldstein"] for code, c in data["cameo"].items()},
        reverse_codes=data["reverse_codes"],
        event_types=frozenset(data["event_types"]),
        light_verbs=frozenset(data["light_verbs"]),
        intent=data["intent"],
        cues={k: frozenset(v) for k, v in data["status_cues"].items()},
        demand_modals=frozenset(data["demand_modals"]),
        frame_nouns=frozenset(data["frame_nouns"]),
        statement_nouns=frozenset(data["statement_nouns"]),
        stance_nouns=frozenset(data["stance_nouns"]),
        stative_passives=frozenset(data["stative_passives"]),
        motion_verbs=frozenset(data["motion_verbs"]),
        content_nouns=frozenset(data["content_nouns"]),
        stance_prefixes=frozenset(data["stance_prefixes"]),
        helper_nouns=frozenset(data["helper_nouns"]),
        concession_prepositions=frozenset(data["concessions"]["prepositions"]),
        concession_nouns=frozenset(data["concessions"]["nouns"]),
        topics={word: topic for topic, words in data["topics"].items() for word in words},
        venue_verbs=data["venue_verbs"],
    )


def quad_class(cameo_code: str) -> int:
    """GDELT's quad class of a CAMEO code: 1 verbal / 2 material cooperation, 3 verbal /
    4 material conflict (roots 01-04, 05-08, 09-13, 14-20)."""
    root = int(cameo_code[:2])
    return 1 if root <= 4 else 2 if root <= 8 else 3 if root <= 13 else 4


def reverse_reading(cameo_code: str, symmetric: bool,
                    has_actor2: bool) -> tuple[str | None, float | None]:
    """CAMEO code and Goldstein score of the same event seen from actor2 to actor1.

    A reciprocal record (both sides in actor1) reads the same from either side; a directed
    one has a reverse only where `reverse_codes` gives one (042 make a visit <-> 043 host a
    visit) and it names an actor2; else (None, None), as for "A accuses B".
    """
    lex = lexicon()
    if symmetric:
        code: str | None = cameo_code
    elif has_actor2:
        code = lex.reverse_codes.get(cameo_code)
    else:
        code = None
    return (code, lex.goldstein[code]) if code else (None, None)


# ---------------------------------------------------------------- the parse as a tree


@dataclass(frozen=True, slots=True)
class Tree:
    """One sentence's tokens with child lists, and the mentions by token."""

    parsed: ParsedText
    sentence: Sentence
    children: dict[int, tuple[int, ...]]
    mention_at: dict[int, Mention]
    persons: tuple[Mention, ...]  # the text's PERSON mentions, in text order

    def token(self, i: int) -> Token:
        return self.parsed.tokens[i]

    def kids(self, i: int, *deps: str) -> list[int]:
        return [c for c in self.children.get(i, ()) if not deps or self.token(c).dep in deps]

    def lemma(self, i: int) -> str:
        return self.token(i).lemma.lower()

    def head(self, i: int) -> int | None:
        head = self.token(i).head
        return None if head == i else head

    def subtree(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self.children.get(j, ()))
        return sorted(out)

    def preposition_objects(self, i: int, prepositions: frozenset[str]) -> list[tuple[str, int]]:
        """(preposition, object) pairs of the prepositional phrases attached to token i."""
        pairs = []
        for prep in self.kids(i, "prep", "agent", "dative"):
            word = self.lemma(prep)
            if self.token(prep).dep == "agent":
                word = "by"
            if word in prepositions or (word == "by" and "by" in prepositions):
                objects = (self.stranded_object(prep)
                           or self.kids(prep, "pobj", "pcomp"))
                pairs.extend((word, obj) for obj in objects)
        return pairs

    def stranded_object(self, prep: int) -> list[int]:
        """The object of a preposition the parser made the subject of a clause starting
        right after it ("granted asylum to five officers holed up in ...": "officers" the
        subject of "holed", a clause of the preposition or of its head)."""
        clauses = self.kids(prep, "pcomp") or ([] if self.kids(prep) else self.kids(
            self.token(prep).head, "advcl", "ccomp", "relcl", "conj"))
        return [t for c in clauses for t in self.kids(c, *SUBJECT_DEPS, "nsubjpass")
                if self.subtree(t)[0] == prep + 1]


def build_tree(parsed: ParsedText, sentence: Sentence, mentions: Sequence[Mention]) -> Tree:
    """Children lists and a token -> mention index for one sentence."""
    tokens = parsed.tokens[sentence.first_token:sentence.end_token]
    children: dict[int, list[int]] = {}
    for t in tokens:
        if t.head != t.index:
            children.setdefault(t.head, []).append(t.index)
    starts = [t.start for t in tokens]
    mention_at: dict[int, Mention] = {}
    for mention in mentions:
        if mention.sentence_index != sentence.index or mention.entity_type not in ACTOR_TYPES:
            continue
        first = bisect.bisect_right(starts, mention.start_char) - 1
        for k in range(max(first, 0), len(tokens)):
            if tokens[k].start >= mention.end_char:
                break
            mention_at[tokens[k].index] = mention
    persons = tuple(sorted((m for m in mentions if m.entity_type == "PERSON"),
                           key=lambda m: m.start_char))
    return Tree(parsed, sentence, {k: tuple(v) for k, v in children.items()}, mention_at,
                persons)


# ---------------------------------------------------------------- triggers


@dataclass(frozen=True, slots=True)
class Found:
    """A trigger token with its lexicon entry (None for a "must" demand)."""

    index: int
    entry: Entry


def object_lemmas(tree: Tree, i: int) -> set[str]:
    """Lemmas heading the trigger's objects, their compounds and of-phrases, and its pobjs."""
    heads = tree.kids(i, *OBJECT_DEPS, "nsubjpass", "xcomp")
    heads += [obj for _, obj in tree.preposition_objects(i, NOUN_PATIENT_PREPOSITIONS)]
    words = set()
    for h in heads:
        words.add(tree.lemma(h))
        words.update(tree.lemma(c) for c in tree.kids(h, "compound", "amod"))
        words.update(tree.lemma(o) for _, o in tree.preposition_objects(h, frozenset({"of"})))
    return words


def conditions_hold(tree: Tree, i: int, entry: Entry) -> bool:
    """Whether a lexicon entry's conditions hold at token i."""
    if entry.with_words:
        near = {tree.lemma(c) for c in tree.kids(i)}
        # prepositional phrases of the trigger or, misattached, of its object ("discussed
        # relations by telephone")
        near |= {tree.lemma(o) for j in [i, *tree.kids(i, "dobj")]
                 for c in tree.kids(j, "prep", "agent") for o in tree.kids(c, "pobj")}
        if (head := tree.head(i)) is not None:
            near.add(tree.lemma(head))
        if not near & entry.with_words:
            return False
    if entry.object_words and not object_lemmas(tree, i) & entry.object_words:
        return False
    if entry.subject_words:
        subject = [w for s in tree.kids(i, *SUBJECT_DEPS, "nsubjpass") for w in tree.subtree(s)]
        if not {tree.lemma(w) for w in subject} & entry.subject_words:
            return False
    if entry.object_entity:
        objects = tree.kids(i, "dobj")
        if not any(o in tree.mention_at and tree.mention_at[o].entity_type != "NORP"
                   for o in objects):
            return False
    return True


def match_entry(tree: Tree, i: int) -> Entry | None:
    """The most specific lexicon entry that fits token i."""
    token = tree.token(i)
    if token.pos == "VERB":
        pos = "VERB"
    elif token.pos in ("NOUN", "PROPN") and (token.dep not in ("compound", "amod") or tree.lemma(
            token.head) in lexicon().frame_nouns):
        pos = "NOUN"
    else:
        return None
    for entry in lexicon().entries.get((token.lemma.lower(), pos), ()):
        # a capitalised name ("the Intergovernmental Commission") only by a specific entry
        if (token.pos != "PROPN" or entry.with_words) and conditions_hold(tree, i, entry):
            return entry
    return None


DEMAND_ENTRY = Entry("must", "VERB", "DEMAND", "100", None, frozenset(), frozenset(),
                     frozenset(), False, "")


def is_reported_obligation(tree: Tree, i: int) -> bool:
    """ "X said (that) Y must ...": a verb with a demand modal inside a reported clause."""
    token = tree.token(i)
    if token.pos not in ("VERB", "AUX") or token.dep not in ("ccomp", "acl"):
        return False
    return any(tree.lemma(a) in lexicon().demand_modals for a in tree.kids(i, "aux"))


def find_triggers(tree: Tree) -> list[Found]:
    """Trigger tokens of the sentence, light verbs dropped in favour of their nouns."""
    found: dict[int, Entry] = {}
    for i in range(tree.sentence.first_token, tree.sentence.end_token):
        if is_reported_obligation(tree, i):
            found[i] = DEMAND_ENTRY
        elif entry := match_entry(tree, i):
            found[i] = entry
    for i in list(found):
        if (found[i] is not DEMAND_ENTRY and tree.token(i).pos == "VERB"
                and tree.lemma(i) in lexicon().light_verbs
                and any(o in found for o in tree.kids(i, "dobj"))):
            del found[i]
    return [Found(i, e) for i, e in sorted(found.items())]


def is_separate_clause(tree: Tree, i: int) -> bool:
    """A coordinated clause or a participle clause ("..., killing one") is its own event."""
    token = tree.token(i)
    if token.dep in SEPARATE_DEPS:
        return True
    if token.dep == "advcl":
        return not any(tree.lemma(c) == "to" for c in tree.kids(i, "aux", "mark"))
    return False


def governing_trigger(tree: Tree, i: int, triggers: dict[int, Found],
                      anchors: dict[int, int]) -> int | None:
    """The trigger whose arguments contain token i, if any (separate clauses stop the climb).

    `anchors` maps the verb of a trigger noun ("staged" of "staged a demonstration") to the
    noun: what depends on that verb ("... to demand reforms") belongs to the noun's event.
    """
    j = i
    while (head := tree.head(j)) is not None:
        if is_separate_clause(tree, j):
            return None
        if head in triggers:
            return head
        if head in anchors and anchors[head] != i:
            return anchors[head]
        j = head
    return None


# ---------------------------------------------------------------- arguments


def clause_verb(tree: Tree, i: int) -> int:
    """The verb a trigger noun depends on ("held talks" -> held); a verb is its own."""
    j = i
    while tree.token(j).pos not in ("VERB", "AUX"):
        head = tree.head(j)
        if head is None or tree.token(j).dep in ("nsubj", "nsubjpass", "conj", "appos"):
            return j
        j = head
    return j


def subject_of(tree: Tree, verb: int) -> tuple[list[int], bool]:
    """The subject heads of a verb (climbing "agreed to ...") and whether it is a passive agent."""
    j = verb
    for _ in range(6):
        if subjects := tree.kids(j, *SUBJECT_DEPS) or stative_subjects(tree, j):
            if tree.lemma(subjects[0]) in RELATIVE_PRONOUNS and tree.token(j).dep == "relcl":
                return [h] if (h := tree.head(j)) is not None else [], False
            if (tree.lemma(subjects[0]) in PRONOUNS and tree.token(j).dep == "ccomp"
                    and (head := tree.head(j)) is not None):
                # "Japan said it had halted aid": the pronoun is the reporting subject
                reporter, _ = subject_of(tree, head)
                return reporter or subjects, False
            return subjects, False
        if j != verb and tree.token(verb).dep == "conj" and (shared := tree.kids(j, "nsubjpass")):
            return shared, False  # "X was indicted by Y and will resign": X resigns
        if agents := [o for _, o in tree.preposition_objects(j, frozenset({"by"}))]:
            return agents, True
        if root := verbless_root(tree, j):
            return root, False
        if tree.token(j).dep in ("xcomp", "advcl", "conj", "acomp") and tree.head(j) is not None:
            j = tree.head(j)  # type: ignore[assignment]
            continue
        if (issued := issuing_verb(tree, j)) is not None:
            j = issued  # "X issued a declaration demanding ...": X demands
            continue
        break
    return [], False


def stative_subjects(tree: Tree, verb: int) -> list[int]:
    """The subject of a stance stated in the passive with no agent ("Israel is opposed to
    X", "Vietnam is committed to Y": `stative_passives`): the holder of the stance."""
    if (tree.lemma(verb) not in lexicon().stative_passives or not tree.kids(verb, "auxpass")
            or tree.preposition_objects(verb, frozenset({"by"}))):
        return []
    return tree.kids(verb, "nsubjpass")


def verbless_root(tree: Tree, verb: int) -> list[int]:
    """The subject of a main verb the parser hung on a noun as a modifier ("Doctors from two
    aid groups donated and delivered goods ...": the sentence's root is "Doctors"): the
    root noun, when the verb is a modifier within its phrase and it or a conjunct has an
    object (a modifying participle, "goods donated to Iraq", has none)."""
    if tree.token(verb).dep != "acl":
        return []
    if not any(tree.kids(v, "dobj") for v in [verb, *tree.kids(verb, "conj")]):
        return []
    j = verb
    while (head := tree.head(j)) is not None and tree.token(j).dep in ("acl", "pobj", "prep"):
        j = head
    if tree.token(j).dep != "ROOT" or tree.token(j).pos not in ("NOUN", "PROPN"):
        return []
    return [j]


def issuing_verb(tree: Tree, j: int) -> int | None:
    """The verb whose object is the statement a clause describes ("issued" of "issued a
    declaration demanding ..."), else None."""
    head = tree.head(j)
    if (tree.token(j).dep != "acl" or head is None
            or tree.lemma(head) not in lexicon().statement_nouns
            or tree.token(head).dep != "dobj"):
        return None
    return tree.head(head)


def is_verb_argument(tree: Tree, noun: int, verb: int) -> bool:
    """Whether a noun is the verb's object or the object of one of its prepositions, or
    the of-phrase of its object ("launched ten days of war games")."""
    head = tree.head(noun)
    if head == verb:
        return True
    if head is None or tree.token(head).dep != "prep":
        return False
    owner = tree.head(head)
    return owner == verb or (tree.lemma(head) == "of" and owner is not None
                             and tree.token(owner).dep == "dobj" and tree.head(owner) == verb)


def frame_head(tree: Tree, trigger: int) -> int:
    """The frame noun a trigger noun modifies ("mediation" of "a mediation effort"), which
    carries the event's arguments; else the trigger itself."""
    head = tree.head(trigger)
    if (head is not None and tree.token(trigger).dep in ("compound", "amod")
            and tree.lemma(head) in lexicon().frame_nouns):
        return head
    return trigger


def agent_heads(tree: Tree, trigger: int, verb: int) -> list[int]:
    """actor1's argument heads: a noun's possessor, agent or modifiers; else the subject."""
    token = tree.token(trigger)
    if token.pos == "NOUN":
        if owners := [p for p in tree.kids(trigger, "poss") if tree.lemma(p) not in PRONOUNS]:
            return owners
        if agents := [o for _, o in tree.preposition_objects(trigger, frozenset({"by"}))]:
            return agents
        if modifiers := [m for m in tree.kids(trigger, "amod", "compound", "nmod")
                         if names_actor(tree, m)]:
            return modifiers
        frame = frame_head(tree, trigger)
        if tree.token(frame).dep in ("nsubj", "nsubjpass") or verb == trigger or \
                not is_verb_argument(tree, frame, verb):
            return []
    subjects, _ = subject_of(tree, verb)
    if tree.kids(verb, "nsubjpass") and not subjects:
        return []
    return subjects


def names_actor(tree: Tree, modifier: int) -> bool:
    """Whether a noun's modifier names an entity or a country ("US Predator attacks": the
    model tags no entity in "US Predator")."""
    return any(t in tree.mention_at or (tree.token(t).text[:1].isupper()
                                        and gazetteer.country_of_name(tree.token(t).text))
               for t in tree.subtree(modifier))


def patient_heads(tree: Tree, trigger: int, verb: int, depth: int = 0,
                  skip: frozenset[int] = frozenset()) -> list[int]:
    """actor2's argument heads: objects and with/to/against/... complements.

    Tokens in `skip` (time expressions: "on Tuesday") are never heads, so a sentence whose
    only complement is a date still looks for the recipient in its content clause.
    """
    heads: list[int] = []
    prepositions = NOUN_PATIENT_PREPOSITIONS if tree.token(trigger).pos == "NOUN" \
        else PATIENT_PREPOSITIONS
    frame = frame_head(tree, trigger) if tree.token(trigger).pos == "NOUN" else trigger
    places = {trigger, verb, frame}  # "a mediation effort between X and Y": the frame's
    if aimed := stance_objects(tree, sorted(places)):
        return aimed
    for i in sorted(places):
        heads += tree.kids(i, "dobj", "dative", "iobj")
        if (tree.token(i).pos == "VERB" and not tree.kids(i, *SUBJECT_DEPS)
                and not stative_subjects(tree, i)):
            heads += tree.kids(i, "nsubjpass")
        heads += [o for p, o in tree.preposition_objects(i, prepositions)
                  if not (p == "with" and tree.lemma(o) in lexicon().helper_nouns)]
    heads = [h for h in heads if h not in (trigger, frame) and h not in skip
             and tree.lemma(h) not in PRONOUNS]
    heads = [s for h in heads for s in (demanded_party(tree, h) or [h])]
    if not heads and tree.token(trigger).pos == "VERB":
        heads = shared_objects(tree, trigger, prepositions, skip)
    if not heads:
        # "demanded that the US cancel ...", "reiterated its demand that Israel ease ...":
        # the subject of the content clause, of the trigger or of the verb it is the object of
        clauses = tree.kids(trigger, "ccomp", "xcomp")
        if verb != trigger and trigger in tree.kids(verb, "dobj"):
            clauses += tree.kids(verb, "ccomp")
        for clause in clauses:
            heads += [s for s in tree.kids(clause, "nsubj", "nsubjpass")
                      if tree.lemma(s) not in PRONOUNS and s not in skip]
    if not heads:
        heads = defied_parties(tree, sorted(places))
    if not heads and depth < 3:
        # "offered to hand over to Britain", "staged a strike to demand ...": the content
        # or purpose clause names the recipient.
        for clause in tree.kids(trigger, "xcomp") + tree.kids(verb, "xcomp", "advcl"):
            if clause != trigger and not is_separate_clause(tree, clause):
                heads += patient_heads(tree, clause, clause, depth + 1, skip)
    return heads


BARE_VERB_DEPS = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "advmod", "neg", "cc",
                            "conj", "punct"})


def shared_objects(tree: Tree, verb: int, prepositions: frozenset[str],
                   skip: frozenset[int]) -> list[int]:
    """The objects a bare verb (no object or complement of its own) shares with the next
    conjoined verb of the same subject ("donated and delivered goods to X": donated goods
    to X; not "refused to deploy troops and urged its citizens ...")."""
    if any(tree.token(k).dep not in BARE_VERB_DEPS for k in tree.kids(verb)):
        return []
    for c in tree.kids(verb, "conj"):
        if tree.token(c).pos != "VERB" or tree.kids(c, *SUBJECT_DEPS, "nsubjpass"):
            continue
        heads = tree.kids(c, "dobj", "dative", "iobj")
        heads += [o for _, o in tree.preposition_objects(c, prepositions)]
        return [h for h in heads if h not in skip and tree.lemma(h) not in PRONOUNS]
    return []


def demanded_party(tree: Tree, noun: int) -> list[int]:
    """The subject of the clause of a demand noun ("insisted on its demands that Burundi's
    government grant ...") or of a content noun ("an investigation into allegations that X
    had ...": `content_nouns`): the party the event is about; else nothing."""
    entries = lexicon().entries.get((tree.lemma(noun), "NOUN"), ())
    if (not any(e.event_type == "DEMAND" for e in entries)
            and tree.lemma(noun) not in lexicon().content_nouns):
        return []
    return [s for c in tree.kids(noun, "acl", "ccomp")
            if any(tree.lemma(m) == "that" for m in tree.kids(c, "mark"))
            for s in tree.kids(c, "nsubj", "nsubjpass") if tree.lemma(s) not in PRONOUNS]


def stance_objects(tree: Tree, tokens: list[int]) -> list[int]:
    """Whom an act is aimed at by an "in defiance of X" / "in protest against X" phrase of
    one of the tokens (`stance_nouns` of rules/events.json)."""
    return [o for i in tokens for _, noun in tree.preposition_objects(i, frozenset({"in"}))
            if tree.lemma(noun) in lexicon().stance_nouns
            for _, o in tree.preposition_objects(noun, frozenset({"of", "against", "to"}))]


def defied_parties(tree: Tree, tokens: list[int]) -> list[int]:
    """Whom an act with no other recipient defies: X of a "despite pressure from X" phrase
    of one of the tokens (`concessions` of rules/events.json)."""
    lex = lexicon()
    return [o for i in tokens
            for _, noun in tree.preposition_objects(i, lex.concession_prepositions)
            if tree.lemma(noun) in lex.concession_nouns
            for _, o in tree.preposition_objects(noun, frozenset({"from", "by", "of"}))]


def phrase_tokens(tree: Tree, head: int, wide: bool) -> list[int]:
    """The tokens of an argument's noun phrase (with in/from/for phrases when `wide`)."""
    prepositions = PHRASE_PREPOSITIONS | (WIDE_PREPOSITIONS if wide else frozenset())
    out, stack = [], [head]
    while stack:
        j = stack.pop()
        out.append(j)
        for c in tree.kids(j):
            dep = tree.token(c).dep
            if dep in PHRASE_DEPS or (dep == "prep" and tree.lemma(c) in prepositions):
                stack.append(c)
    return sorted(out)


def without(actor: Actor, other: Actor) -> Actor:
    """An actor without the entities of the other side (a pronoun resolved to the object)."""
    kept = tuple(e for e in actor.entity_ids if e not in other.entity_ids)
    if kept == actor.entity_ids:
        return actor
    return replace(actor, entity_ids=kept, named=bool(kept) or bool(actor.countries))


def according_to_person(tree: Tree, pronoun: int,
                        countries: Mapping[str, str | None]) -> Mention | None:
    """The person an "According to X, he ..." names before the pronoun, if any.

    X is a person mention, or a title ("the Venezuelan president") given earlier in the text
    to a named person (`Mention.role`) of the country the title names, if it names one: the
    last such person before the pronoun.
    """
    words = tree.parsed.tokens[tree.sentence.first_token:pronoun]
    for i, token in enumerate(words[:-1]):
        if token.text.lower() == "according" and words[i + 1].text.lower() == "to":
            phrase = []
            for t in words[i + 2:]:
                if t.text == ",":
                    break
                phrase.append(t)
            named = [tree.mention_at[t.index] for t in phrase if t.index in tree.mention_at
                     and tree.mention_at[t.index].entity_type == "PERSON"]
            if named:
                return named[0]
            said = {t.text.lower() for t in phrase}
            named_countries = {c for t in phrase if (c := gazetteer.country_of_name(t.text))}
            titled = [m for m in tree.persons if phrase and m.end_char <= phrase[0].start
                      and m.role and m.role.split()[-1].lower() in said
                      and (not named_countries or countries.get(m.entity_id) in named_countries)]
            return titled[-1] if titled else None
    return None


def antecedent(tree: Tree, pronoun: int,
               countries: Mapping[str, str | None]) -> Mention | None:
    """The person a personal pronoun stands for: the person an "According to X," before it
    names; else the last PERSON mention before it that was a subject (the salient one), else
    the last PERSON mention before it."""
    if (reported := according_to_person(tree, pronoun, countries)) is not None:
        return reported
    where = tree.token(pronoun).start
    before = [m for m in tree.persons if m.end_char <= where]
    tokens = tree.parsed.tokens
    starts = [t.start for t in tokens]  # once, not once per mention
    subjects = [m for m in before
                if tokens[bisect.bisect_right(starts, m.end_char - 1) - 1].dep
                in ("nsubj", "nsubjpass")]
    return (subjects or before or [None])[-1]


@dataclass(frozen=True, slots=True)
class Actor:
    """The entities and countries of one side of an event."""

    entity_ids: tuple[str, ...]
    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    text: str | None
    named: bool  # some entity or country word is named in the phrase
    conjoined: bool  # several conjoined named heads ("X and Y")
    direct: bool  # named in the phrase itself, not only in its in/from/to... phrases
    # no country, and its entities are only country-less groups: a religion or people
    # ("Moslem fundamentalist demonstrators") or an organisation no gazetteer knows
    anonymous: bool = False
    # an ethnic group ("ethnic Albanians") whose only country is its people's: coded by
    # the territory it lives in (`place_ethnic`), not by the state its name recalls
    ethnic: bool = False


NO_ACTOR = Actor((), (), (), None, False, False, False)


def describe_actor(tree: Tree, heads: list[int], countries: Mapping[str, str | None],
                   sectors: Mapping[str, str | None]) -> Actor:
    """The mentions, countries and sectors named in the argument phrases."""
    if not heads:
        return NO_ACTOR
    ids: list[str] = []
    found: set[str] = set()
    direct = False
    heads = [a for h in heads for a in (international_office(tree, h) or [h])]
    for wide in (False, True):
        tokens = sorted({t for h in heads for t in phrase_tokens(tree, h, wide)}
                        - described_by_apposition(tree, heads, countries)
                        - stance_prefixed(tree))
        ids = list(dict.fromkeys(tree.mention_at[t].entity_id for t in tokens
                                 if t in tree.mention_at))
        found = {c for e in ids if (c := countries.get(e))}
        found |= country_words(tree, tokens, countries)
        if found:
            break
        direct = bool(ids)
    if not tokens:  # all of it a stance ("an anti-Trump rally"): names no actor
        return NO_ACTOR
    for h in heads:
        if tree.lemma(h) in PERSONAL_PRONOUNS and (person := antecedent(tree, h, countries)):
            ids.append(person.entity_id)  # "he plans to meet ...": the last person named
            if country := countries.get(person.entity_id):
                found.add(country)
    if not found and (owner := possessive_owner(tree, heads, countries, sectors)):
        ids += [e for e in owner.entity_ids if e not in ids]  # "X said their forces ..."
        found |= set(owner.countries)
    # the sentence's final stop hangs on its root: not part of a root noun's phrase
    spoken = [t for t in tokens if t != tree.sentence.end_token - 1
              or tree.token(t).dep != "punct"] or tokens
    first, last = min(spoken), max(spoken)
    start, end = tree.token(first).start, tree.token(last).end
    conjoined = named_conjuncts(tree, heads) > 1
    mentions = [tree.mention_at[t] for t in tokens if t in tree.mention_at]
    anonymous = bool(ids) and not found and all(is_countryless_group(m) for m in mentions)
    found, ethnic = territory_of_people(tree, heads, tokens, found, countries)
    return Actor(tuple(ids), tuple(sorted(found)),
                 tuple(sorted({s for e in ids if (s := sectors.get(e))})),
                 tree.parsed.text[start:end], bool(ids or found), conjoined,
                 direct or (bool(found) and not wide), anonymous, ethnic)


def territory_of_people(tree: Tree, heads: list[int], tokens: list[int], found: set[str],
                        countries: Mapping[str, str | None]) -> tuple[set[str], bool]:
    """Countries of a people named as a group: by territory, as PLOVER and ICEWS code them.

    "The Albanians of southern Serbia", "ethnic Turks in Sweden": a people word (NORP) that
    heads the phrase or follows "ethnic", with a place in the phrase, is in that place's
    country. Without a place, an "ethnic" group is flagged for `place_ethnic`. Returns the
    countries and that flag.
    """
    people = [t for t in tokens if t in tree.mention_at
              and tree.mention_at[t].entity_type == "NORP"]
    if not people:
        return found, False
    ethnic = any(tree.token(t).text.lower() == "ethnic" for t in tokens)
    if not ethnic and not any(t in heads for t in people):
        return found, False
    places = {c for t in tokens if t in tree.mention_at
              and tree.mention_at[t].entity_type in PLACE_TYPES
              and (c := countries.get(tree.mention_at[t].entity_id))}
    if places:
        return places, False
    people_countries = {c for t in people if (c := countries.get(tree.mention_at[t].entity_id))}
    return found, ethnic and found <= people_countries


def place_ethnic(actor: Actor, other: Actor, event_type: str, place: str | None) -> Actor:
    """An ethnic group with no place in its phrase is in the event's place ("ethnic
    Albanians demonstrated in Serbia"); failing one, for a domestic event type, in the other
    side's country ("ethnic Turks ... against Sweden's decision")."""
    if not actor.ethnic:
        return actor
    if place:
        return replace(actor, countries=(place,))
    if event_type in DOMESTIC_TYPES and other.countries and not other.ethnic:
        return replace(actor, countries=other.countries)
    return actor


def stance_prefixed(tree: Tree) -> set[int]:
    """Tokens of the sentence's names after a stance prefix ("anti-Syria", "pro-Moscow":
    `stance_prefixes`): what an actor is for or against, not its country."""
    prefixes = lexicon().stance_prefixes
    out: set[int] = set()
    tokens = tree.parsed.tokens
    for t in range(tree.sentence.first_token + 2, tree.sentence.end_token):
        if tokens[t - 1].text != "-" or tokens[t - 2].text.lower() not in prefixes:
            continue
        out.add(t)
        if (mention := tree.mention_at.get(t)) is not None:
            out.update(k for k, m in tree.mention_at.items() if m is mention)
    return out


def country_words(tree: Tree, tokens: list[int], countries: Mapping[str, str | None]) -> set[str]:
    """Countries named by capitalised words of the phrase outside any mention, by the first
    demonym of a person mention with no country (the model's "Bosnian Serbs" PERSON: Serbs
    of Bosnia, coded by the territory), and by two-word names the model split
    (`split_country_names`)."""
    found = set()
    read: set[str] = set()
    for t in tokens:
        token = tree.token(t)
        if token.pos not in ("PROPN", "ADJ", "NOUN") or not token.text[:1].isupper():
            continue
        mention = tree.mention_at.get(t)
        if mention is None:
            country = gazetteer.country_of_name(token.text)
        elif (mention.entity_type == "PERSON" and not countries.get(mention.entity_id)
              and mention.entity_id not in read):
            country = gazetteer.country_of_demonym(token.text)
            if country:
                read.add(mention.entity_id)
        else:
            continue
        if country:
            found.add(country)
    return found | split_country_names(tree, tokens)


def possessive_owner(tree: Tree, heads: list[int], countries: Mapping[str, str | None],
                     sectors: Mapping[str, str | None]) -> Actor | None:
    """Whom a possessive pronoun of a head stands for in a reported clause ("Bosnian Serbs
    said their forces had completed ...": the reporting subject), else None."""
    for h in heads:
        if not any(tree.lemma(p) in OWNER_PRONOUNS for p in tree.kids(h, "poss")):
            continue
        verb = tree.head(h)
        if verb is None or tree.token(h).dep not in SUBJECT_DEPS | {"nsubjpass"} or \
                tree.token(verb).dep != "ccomp" or (said := tree.head(verb)) is None:
            continue
        reporters = [r for r in subject_of(tree, said)[0] if tree.lemma(r) not in PRONOUNS]
        if reporters:
            return describe_actor(tree, reporters, countries, sectors)
    return None


def split_country_names(tree: Tree, tokens: list[int]) -> set[str]:
    """Countries of two-word country names and demonyms the model split or mistyped
    ("Sierra Leonean": "Sierra" tagged ORG, "Leonean" left out)."""
    words = set(tokens)
    pairs = [(t, t + 1) for t in tokens if t + 1 in words
             and tree.token(t).text[:1].isupper() and tree.token(t + 1).text[:1].isupper()
             and not (t in tree.mention_at and tree.mention_at[t] is tree.mention_at.get(t + 1))]
    return {c for a, b in pairs
            if (c := gazetteer.country_of_name(f"{tree.token(a).text} {tree.token(b).text}"))}


def international_office(tree: Tree, head: int) -> list[int]:
    """The apposition of a person named by an office of an international body ("Kenzo
    Oshima, the United Nations Emergency Relief Coordinator,"; "X, the UN envoy,"): coders
    code such officials as the body, not by their nationality. The body's name must hold
    the office word or modify it ("a member of the UN" is no office)."""
    for a in tree.kids(head, "appos"):
        modifiers = [a, *tree.kids(a, "compound")]
        names = {tree.mention_at[t].text for t in modifiers if t in tree.mention_at
                 and tree.mention_at[t].entity_type == "ORG"}
        if any(is_international(name) for name in names):
            return [a]
    return []


def is_international(name: str) -> bool:
    """Whether an organisation's name, or its first words ("United Nations Emergency
    Relief Coordinator"), is a body the gazetteer lists with no country."""
    words = name.split()
    for n in range(len(words), 0, -1):
        found = gazetteer.lookup_organization(" ".join(words[:n]))
        if found is not None:
            return found.country is None
    return False


def described_by_apposition(tree: Tree, heads: list[int],
                            countries: Mapping[str, str | None]) -> set[int]:
    """Tokens of appositions to a head that names a country-coded entity itself:
    "Pakistan, a key U.S. ally," is Pakistan; the ally's "U.S." says whose ally it is."""
    out: set[int] = set()
    for h in heads:
        mention = tree.mention_at.get(h)
        if mention and countries.get(mention.entity_id):
            for a in tree.kids(h, "appos"):
                if a not in tree.mention_at:
                    out.update(tree.subtree(a))
    return out


def is_countryless_group(mention: Mention) -> bool:
    """A religion or people word ("Moslem", "Islamic") or an organisation no gazetteer
    knows ("MASSOB"): a group event coders place where it acts, not an international body."""
    if mention.entity_type == "NORP":
        return gazetteer.country_of_demonym(mention.text) is None
    return (mention.entity_type == "ORG" and gazetteer.lookup_organization(mention.text) is None
            and gazetteer.lookup_metonym(mention.text) is None)


def named_conjuncts(tree: Tree, heads: list[int]) -> int:
    """How many of the heads and their conjuncts name an entity (NORP words aside).

    A conjunct counts once with its appositions and compounds: "Kenzo Oshima, the UN
    relief coordinator," and "the Hutu rebel group, Forces for Defence of Democracy," are
    one actor each, whatever entities the model found in them.
    """
    conjuncts = {*heads, *(c for h in heads for c in tree.kids(h, "conj"))}
    named = 0
    for c in conjuncts:
        tokens = {c, *tree.kids(c, "appos", "compound")}
        named += any(t in tree.mention_at and tree.mention_at[t].entity_type != "NORP"
                     for t in tokens)
    return named


# ---------------------------------------------------------------- status, place, time, topics


def clause_chain(tree: Tree, verb: int) -> list[int]:
    """The verb and the verbs it is an xcomp of ("plans to hold" -> hold, plans)."""
    chain = [verb]
    j = verb
    while tree.token(j).dep in ("xcomp", "acomp") and (head := tree.head(j)) is not None:
        chain.append(head)
        j = head
    if tree.token(j).dep == "acl" and (head := tree.head(j)) is not None:
        chain.append(head)  # "a commission due to be held": the noun's modifiers count too
    return chain


def event_status(tree: Tree, trigger: int, verb: int) -> tuple[EventStatus, bool]:
    """Status from auxiliaries, governing verbs and modifiers; and negation."""
    cues = lexicon().cues
    chain = clause_chain(tree, verb)
    words = {tree.lemma(a) for j in chain for a in tree.kids(j, "aux", "auxpass")}
    heads = {tree.lemma(j) for j in chain[1:]}
    heads |= {tree.lemma(c) for j in chain for c in tree.kids(j, "acomp")}
    reporting = [h for h in [tree.head(chain[-1])] if h is not None
                 and tree.token(chain[-1]).dep == "ccomp"]  # "announced it will X unless Y"
    marks = {tree.lemma(m) for j in [*chain, *reporting] for c in tree.kids(j, "advcl")
             for m in tree.kids(c, "mark")}
    modifiers = {tree.lemma(m) for m in tree.kids(trigger, "amod")}
    negated = any(tree.lemma(n) in cues["negations"]
                  for j in {trigger, *chain} for n in tree.kids(j, "neg"))
    status: EventStatus = "happened"
    if words & cues["hypothetical_auxiliaries"] or marks & cues["hypothetical_marks"]:
        status = "hypothetical"
    elif heads & cues["intention_heads"] or words & cues["intention_auxiliaries"]:
        status = "reported intention"
    elif (words & cues["planned_auxiliaries"] or heads & cues["planned_heads"]
          or modifiers & cues["planned_modifiers"]):
        status = "planned"
    return status, negated


def coded_reading(entry: Entry, status: EventStatus) -> tuple[str, str]:
    """(PLOVER type, CAMEO code): intended cooperation is AGREE, future conflict THREATEN."""
    intent = lexicon().intent
    kind, code = entry.event_type, entry.cameo
    if status == "happened":
        return kind, code
    if kind in intent["AGREE"] and not (kind == "CONSULT" and status == "planned"):
        return "AGREE", code if kind == "AGREE" else intent["AGREE"][kind]
    if kind in intent["THREATEN"]:
        return "THREATEN", code if kind == "THREATEN" else intent["THREATEN"][kind]
    return kind, code


def event_location(tree: Tree, trigger: int, verb: int, objects: list[int],
                   others: list[int]) -> str | None:
    """The entity id of the first place in an in/at phrase of the trigger or its clause;
    failing that, for a noun trigger, the place of a venue verb nearest it (`venue_place`)."""
    chain = clause_chain(tree, verb)
    top = chain[-1]
    if (tree.token(top).dep == "relcl" and any(tree.lemma(a) == "where"
                                               for a in tree.kids(top, "advmod"))
            and (head := tree.head(top)) in tree.mention_at
            and tree.mention_at[head].entity_type in PLACE_TYPES):
        return tree.mention_at[head].entity_id  # "Moscow, where he will hold a meeting"
    modifiers = [v for v in tree.subtree(trigger)
                 if tree.token(v).pos in ("VERB", "AUX") and v != trigger]
    for i in dict.fromkeys((trigger, *chain, *modifiers, *objects)):
        if place := place_in(tree, i):
            return place
    if place := destination_of_purpose(tree, chain[-1]):
        return place
    if tree.token(trigger).pos in ("NOUN", "PROPN"):
        return venue_place(tree, trigger, others)
    return None


def place_in(tree: Tree, i: int, depth: int = 1) -> str | None:
    """The entity id of the first place in an in/at/near phrase of token i, or in one of
    that phrase's own ("killed in an explosion in Beirut"); a possessive is not where ("at
    Venezuela's request")."""
    objects = [obj for _, obj in tree.preposition_objects(i, PLACE_PREPOSITIONS)]
    for obj in objects:
        owners = {t for p in tree.kids(obj, "poss") for t in tree.subtree(p)}
        for t in phrase_tokens(tree, obj, wide=False):
            if t in owners:
                continue
            mention = tree.mention_at.get(t)
            if mention and mention.entity_type in PLACE_TYPES:
                return mention.entity_id
    if depth:
        for obj in objects:
            if place := place_in(tree, obj, depth - 1):
                return place
    return None


def destination_of_purpose(tree: Tree, verb: int) -> str | None:
    """Where a purpose clause of a motion verb happens: the verb's to/into destination
    ("sent 21 experts to Bosnia to investigate ...": in Bosnia; `motion_verbs`)."""
    head = tree.head(verb)
    if (head is None or tree.token(verb).dep not in ("advcl", "xcomp")
            or not any(tree.lemma(a) == "to" for a in tree.kids(verb, "aux"))
            or tree.lemma(head) not in lexicon().motion_verbs):
        return None
    for _, obj in tree.preposition_objects(head, frozenset({"to", "into"})):
        mention = tree.mention_at.get(obj)
        if mention and mention.entity_type in PLACE_TYPES:
            return mention.entity_id
    return None


def venue_place(tree: Tree, trigger: int, others: list[int]) -> str | None:
    """Where a noun event is held when the parser hung the venue verb elsewhere ("an upcoming
    Commission between Russia and Venezuela, due to be held this coming October in Moscow"):
    the in/at place of a venue verb (`venue_verbs`: passive "be held", "take place") of the
    sentence that is nearer this trigger than any other trigger."""
    venues = lexicon().venue_verbs
    rivals = [o for o in others if o != trigger]
    for v in range(tree.sentence.first_token, tree.sentence.end_token):
        how = venues.get(tree.lemma(v))
        if how is None or tree.token(v).pos != "VERB":
            continue
        if how == "passive" and not tree.kids(v, "auxpass"):
            continue
        if how == "place" and not any(tree.lemma(o) == "place" for o in tree.kids(v, "dobj")):
            continue
        if any(abs(v - r) <= abs(v - trigger) for r in rivals):
            continue
        if place := place_in(tree, v):
            return place
    return None


def event_date(tree: Tree, trigger: int, verb: int, expressions: list[Span],
               others: list[int]) -> Span | None:
    """The time expression of the event's clause nearest its trigger.

    Failing one in the clause (parsers misattach long modifiers), the nearest expression
    of the sentence that is nearer this trigger than any other trigger.
    """
    chain = clause_chain(tree, verb)
    scope = set(tree.subtree(chain[-1] if tree.token(chain[-1]).pos == "VERB" else verb))
    scope |= set(tree.subtree(trigger))
    starts = {tree.token(i).start: i for i in scope}
    ends = {tree.token(i).end for i in scope}
    inside = [s for s in expressions
              if any(s.start <= p < s.end for p in starts) and any(s.start < p <= s.end
                                                                   for p in ends)]
    where = tree.token(trigger).start
    if not inside:
        rivals = [tree.token(o).start for o in others if o != trigger]
        inside = [s for s in expressions
                  if all(abs(s.start - where) < abs(s.start - r) for r in rivals)]
    if not inside:
        return None
    return min(inside, key=lambda s: (abs(s.start - where), s.start))


def event_topics(tree: Tree) -> tuple[str, ...]:
    """Topics named by words of the sentence."""
    topics = lexicon().topics
    words = (tree.lemma(i) for i in range(tree.sentence.first_token, tree.sentence.end_token))
    return tuple(sorted({topics[w] for w in words if w in topics}))


def event_confidence(found: Found, actor1: Actor, actor2: Actor, symmetric: bool) -> float:
    """A heuristic in [0, 1]: 0.4 for a trigger, +0.1 a specific entry or a verb, +0.3 a named
    actor1, +0.2 a named actor2 or a reciprocal pair. Not a calibrated probability."""
    score = 0.4
    if found.entry.specificity or found.entry.pos == "VERB":
        score += 0.1
    if actor1.named:
        score += 0.3
    if actor2.named or symmetric:
        score += 0.2
    return round(min(score, 1.0), 2)


# ---------------------------------------------------------------- events


def extract_events(
    parsed: ParsedText,
    mentions: Sequence[Mention],
    countries: Mapping[str, str | None],
    sectors: Mapping[str, str | None],
    on_sentence_error: Callable[[Sentence, Exception], None] | None = None,
) -> tuple[EventMatch, ...]:
    """The events of a parsed text, in text order.

    `mentions` are the text's entity mentions (`extract_entities`), `countries` and
    `sectors` map their entity ids to ISO alpha-2 codes and sectors. A sentence on which
    the extraction raises is skipped and handed to `on_sentence_error` when given (the
    build records it); without one the error propagates.
    """
    expressions = find_time_expressions(parsed.text)
    events: list[EventMatch] = []
    for sentence in parsed.sentences:
        in_sentence = [s for s in expressions
                       if sentence.start <= s.start and s.end <= sentence.end]
        try:
            tree = build_tree(parsed, sentence, mentions)
            events.extend(sentence_events(tree, countries, sectors, in_sentence))
        except Exception as exc:
            if on_sentence_error is None:
                raise
            on_sentence_error(sentence, exc)
    country_places = frozenset(m.entity_id for m in mentions if m.entity_type == "GPE"
                               and country_of_country_name(m.text))
    return link_meeting_references(events, country_places, countries)


def sentence_events(tree: Tree, countries: Mapping[str, str | None],
                    sectors: Mapping[str, str | None],
                    expressions: list[Span]) -> list[EventMatch]:
    """The events of one sentence."""
    found = {f.index: f for f in find_triggers(tree)}
    anchors = {h: i for i, f in found.items() if f.entry.pos == "NOUN"
               and tree.token(i).dep == "dobj" and (h := tree.head(i)) is not None
               and h not in found}
    timed = {t for s in expressions for t in range(tree.sentence.first_token,
                                                   tree.sentence.end_token)
             if s.start <= tree.token(t).start < s.end}
    events = []
    for index, trigger in found.items():
        if governing_trigger(tree, index, found, anchors) is not None:
            continue
        entry = trigger.entry
        verb = clause_verb(tree, index)
        subject_nouns = [s for s in tree.kids(index, "nsubj") if s in found
                         and found[s].entry.pos == "NOUN"]
        if subject_nouns and trigger.entry.pos == "VERB" and entry is not DEMAND_ENTRY:
            noun = subject_nouns[0]  # "a roadside bombing killed ...": the noun says what
            entry = found[noun].entry
            heads1 = agent_heads(tree, noun, noun)
        else:
            heads1 = agent_heads(tree, index, verb)
        heads1 = [h for h in heads1 if h not in timed]
        events.append(build_event(tree, Found(index, entry), verb, heads1,
                                  countries, sectors, expressions, timed, list(found)))
    return events


def build_event(tree: Tree, found: Found, verb: int, heads1: list[int],
                countries: Mapping[str, str | None], sectors: Mapping[str, str | None],
                expressions: list[Span], timed: set[int], others: list[int]) -> EventMatch:
    """One EventMatch from a trigger and its argument heads."""
    index = found.index
    if found.entry is DEMAND_ENTRY:
        speaker = clause_verb(tree, tree.head(index) or index)
        heads1, _ = subject_of(tree, speaker)
        heads2 = [s for s in tree.kids(index, "nsubj", "nsubjpass")
                  if tree.lemma(s) not in PRONOUNS] or patient_heads(tree, speaker, speaker,
                                                                    skip=frozenset(timed))
    else:
        heads2 = patient_heads(tree, index, verb, skip=frozenset(timed))
    between = [o for p, o in tree.preposition_objects(index, frozenset({"between"}))]
    actor1 = describe_actor(tree, heads1, countries, sectors)
    actor2 = without(describe_actor(tree, heads2, countries, sectors), actor1)
    location = event_location(tree, index, verb, [*heads2, *tree.kids(verb, "dobj")], others)
    symmetric = False
    if not actor1.named and between:
        actor1, actor2, symmetric = describe_actor(tree, between, countries, sectors), \
            NO_ACTOR, True
    elif actor1.conjoined and not actor2.direct:
        actor2, symmetric = NO_ACTOR, True
    if not symmetric:
        place = countries.get(location) if location else None
        actor1, actor2 = place_unnamed(actor1, actor2, found.entry.event_type, place)
        actor1, actor2 = (place_ethnic(actor1, actor2, found.entry.event_type, place),
                          place_ethnic(actor2, actor1, found.entry.event_type, place))
    status, negated = event_status(tree, index, verb)
    entry = consult_by_place(found.entry, actor1, actor2,
                             countries.get(location) if location else None)
    kind, code = coded_reading(entry, status)
    if kind == "THREATEN" and not actor2.countries and not symmetric:
        actor2 = threatened_party(tree, index, actor1, actor2, countries, sectors)
    date = event_date(tree, index, verb, expressions, others)
    token = tree.token(index)
    sentence = tree.sentence
    lex = lexicon()
    return EventMatch(
        event_type=kind, cameo_code=code, goldstein=lex.goldstein[code],
        quad_class=quad_class(code), mode=entry.mode, status=status,
        negated=negated, symmetric=symmetric,
        actor1_entity_ids=actor1.entity_ids, actor2_entity_ids=actor2.entity_ids,
        actor1_countries=actor1.countries, actor2_countries=actor2.countries,
        actor1_sectors=actor1.sectors, actor2_sectors=actor2.sectors,
        actor1_text=actor1.text, actor2_text=actor2.text,
        trigger=token.text, trigger_start=token.start, trigger_end=token.end,
        sentence_index=sentence.index, sentence=tree.parsed.text[sentence.start:sentence.end],
        sentence_start=sentence.start, sentence_end=sentence.end,
        date_text=date.text if date else None, date_start=date.start if date else None,
        date_end=date.end if date else None, location_entity_id=location,
        topics=event_topics(tree),
        confidence=event_confidence(found, actor1, actor2, symmetric),
    )


CONDITION_MARKS = frozenset({"unless", "if", "until"})


def threatened_party(tree: Tree, trigger: int, actor1: Actor, actor2: Actor,
                     countries: Mapping[str, str | None],
                     sectors: Mapping[str, str | None]) -> Actor:
    """The side a threat is made against when its object names no country: the subject of
    its condition ("threatened a general strike unless Israel rescinded ..."), as CAMEO 13x
    codes the party asked to comply."""
    clauses = [trigger, *tree.kids(trigger, "xcomp")]
    subjects = [s for c in clauses for a in tree.kids(c, "advcl")
                if any(tree.lemma(m) in CONDITION_MARKS for m in tree.kids(a, "mark"))
                for s in tree.kids(a, "nsubj", "nsubjpass") if tree.lemma(s) not in PRONOUNS]
    if not subjects:
        return actor2
    party = without(describe_actor(tree, subjects, countries, sectors), actor1)
    return party if party.countries else actor2


MEETING_BY_PLACE = {"visit": ("042", "visit"), "host": ("043", "host"),
                    "third-party": ("044", "third-party")}


def consult_by_place(entry: Entry, actor1: Actor, actor2: Actor, place: str | None) -> Entry:
    """A plain meeting (CAMEO 040) read by where it is held, as CAMEO codes it: in actor2's
    country a visit by actor1 (042), in actor1's a hosted visit (043), elsewhere 044."""
    if entry.cameo != "040" or not place or not actor1.countries or not actor2.countries:
        return entry
    if place in actor2.countries and place not in actor1.countries:
        kind = "visit"
    elif place in actor1.countries and place not in actor2.countries:
        kind = "host"
    elif place not in actor1.countries and place not in actor2.countries:
        kind = "third-party"
    else:
        return entry
    code, mode = MEETING_BY_PLACE[kind]
    return replace(entry, cameo=code, mode=mode)


def place_unnamed(actor1: Actor, actor2: Actor, event_type: str,
                  place: str | None) -> tuple[Actor, Actor]:
    """Countries for sides that name no entity ("demonstrators", "police", "the workers").

    Such a side is in the event's place ("in Kirkuk"); for mostly domestic event types
    (DOMESTIC_TYPES), failing a place, in the other side's country. A side with a named
    entity but no country is left as it is (the UN), unless its entities are only
    country-less groups (`Actor.anonymous`: "Moslem fundamentalists", an organisation no
    gazetteer knows) in a domestic event.
    """
    sides = [actor1, actor2]
    for k, side in enumerate(sides):
        anonymous = side.anonymous and event_type in DOMESTIC_TYPES
        if side.countries or (side.entity_ids and not anonymous) or (
                k == 0 and not side.text and event_type not in DOMESTIC_TYPES):
            continue
        if k == 1 and not side.text and event_type not in DOMESTIC_TYPES:
            continue
        other = sides[1 - k].countries
        country = (place,) if place else other if event_type in DOMESTIC_TYPES else ()
        if country:
            sides[k] = replace(side, countries=tuple(sorted(country)))
    return sides[0], sides[1]
