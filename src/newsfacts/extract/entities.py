"""Named entities of an article: typed mentions, one entity per person/organisation/place.

From the NER spans of the NLP adapter (`nlp.ParsedText`) this module
1. cleans each span (a leading "the", a title such as "President" in front of a name);
2. reads the role and country a text gives a person ("former Venezuelan President Hugo
   Chavez Frias", "his Russian counterpart, Vladimir Putin", "Putin, Russia's president");
3. groups the mentions of one person in an article ("Maduro" -> "Nicolás Maduro");
4. keys every entity by what it is, not how it is written: persons by their folded full name,
   countries by ISO code ("Russia" = "the Russian Federation"), organisations by gazetteer
   canonical name or by country + name without the country word ("the Venezuelan Foreign
   Ministry" = "Venezuela's Foreign Ministry"). `entity_id` is a hash of that key.
Merging articles into the `entities` table is `entity_merge.merge_entities` (dataset level).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from newsfacts.extract import gazetteer
from newsfacts.extract.entity_spans import (
    PLACE_TYPES,
    Found,
    add_untyped_names,
    apply_acronyms,
    correct_types,
    join_country_organisations,
    join_split_names,
    span_of_tokens,
    token_index_at,
)
from newsfacts.extract.nlp import NamedSpan, ParsedText, Token
from newsfacts.extract.places import (
    country_of_capital_in,
    country_of_country_name,
    country_of_place,
    country_of_region,
    name_key,
)
from newsfacts.ids import sha256_hex
from newsfacts.records import EntityFact, EntityType, Mention, Span

ENTITY_TYPE_OF_LABEL: dict[str, EntityType] = {
    "PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "NORP": "NORP", "LOC": "LOC", "FAC": "LOC",
}
# A word with letters and digits ("IE6", "STS-134"): the model's places of this shape are not.
ALPHANUMERIC_WORD = re.compile(r"\b(?=[\w-]*[A-Za-z])(?=[\w-]*\d)[\w-]+\b")
LEADING_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")
TRAILING_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
HAS_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")
# Caption labels glued to a name by the model when a caption follows it ("… Image: …").
CAPTION_LABEL = re.compile(r"(?:^|\s)(?:Image|Photo|Picture|Credit|Video|File|Source)$")
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,7}$")
# A period that belongs to the name: "U.S.", "Washington D.C.", "Acme Inc.".
ABBREVIATION_END = re.compile(r"(?:(?:^|[\s.])[A-Z]\.|\b(?:Inc|Co|Corp|Ltd|Jr|Sr|St)\.)$")
UPPER_WORD = re.compile(r"^[A-Z]{2,}[0-9]*$")
ROMAN_NUMERAL = re.compile(r"^[IVX]+$")  # "Joe Manchin III", "Abdullah II"
POSSESSIVE_TOKENS = frozenset({"'s", "’s", "'", "’"})
# Words between a comma and a name that introduce an apposition to it: "his counterpart, X".
APPOSITION_NOUNS = frozenset({"counterpart", "counterparts", "leader", "colleague", "head"})
DETERMINERS = frozenset({"the", "his", "her", "their", "its", "a", "an"})
MAX_ROLE_WORDS = 4
# A compass word before a country name: the part of that country ("South Lebanon", "northern
# Iraq"). Tried only when the whole name is no country, city or region ("South Africa" is).
COMPASS_PREFIX = re.compile(
    r"^(?:(?:north|south)(?:-?(?:east|west))?(?:ern)?|east(?:ern)?|west(?:ern)?|central)\s+",
    re.IGNORECASE)

# A one-word organisation name found this often by the model is propagated (propagate_names).
MIN_ONE_WORD_ORG_FINDS = 2


def make_entity_id(key: str) -> str:
    """`e` + 16 hex chars of SHA-256 over the entity key."""
    return "e" + sha256_hex(key.encode("utf-8"))[:16]


# ---------------------------------------------------------------- spans


def trim_span(parsed: ParsedText, named: NamedSpan) -> tuple[Span, int] | None:
    """The span without a leading "the" or trailing possessive, and its first token index.

    None when nothing name-like is left (no capital letter).
    """
    start, text, first = named.start, named.text, named.first_token
    if match := LEADING_ARTICLE.match(text):
        start, text = start + match.end(), text[match.end():]
        first += 1
    if "(" in text and ")" not in text:  # "The World Health Organisation (WHO"
        text = text[:text.index("(")]
    text = TRAILING_POSSESSIVE.sub("", text).rstrip(" ,;:-–—")
    if text.endswith(".") and not ABBREVIATION_END.search(text):
        text = text.rstrip(" ,.;:-–—")
    after = parsed.text[start + len(text):start + len(text) + 1]
    if after == ":" and (label := CAPTION_LABEL.search(text)):
        text = text[:label.start()].rstrip()  # "Ahmed Mohamed Image: Twitter" (a caption)
    if not text or not HAS_UPPER.search(text):
        return None
    return Span(start, start + len(text), text), first


def leading_role(parsed: ParsedText, first: int, end_token: int) -> tuple[str | None, int]:
    """A title opening a person span ("President Maduro"): the role and the name's first token."""
    for length in range(min(MAX_ROLE_WORDS, end_token - first - 1), 0, -1):
        words = " ".join(t.text for t in parsed.tokens[first:first + length])
        if role := gazetteer.lookup_role(words):
            return role.title, first + length
    return None, first


def find_spans(parsed: ParsedText, exclude: Span | None = None) -> list[Found]:
    """The entity spans of a parsed body, cleaned; spans overlapping `exclude` are left out."""
    found = []
    for named in parsed.entities:
        if exclude and named.start < exclude.end and exclude.start < named.end:
            continue
        trimmed = trim_span(parsed, named)
        if trimmed is None:
            continue
        span, first = trimmed
        end_token = named.last_token + 1
        kind = ENTITY_TYPE_OF_LABEL[named.label]
        if kind in PLACE_TYPES and ALPHANUMERIC_WORD.search(span.text):
            continue  # "IE6", "STS-134": versions and missions, not places
        role = None
        if kind == "PERSON":
            role, first = leading_role(parsed, first, end_token)
            if role:
                span = span_of_tokens(parsed, first, end_token)
                span = Span(span.start, span.start + len(TRAILING_POSSESSIVE.sub("", span.text)),
                            TRAILING_POSSESSIVE.sub("", span.text))
        found.append(Found(span, kind, named.sentence, first, end_token, role=role))
    return found


# ---------------------------------------------------------------- context: roles, countries


def country_of_token_text(text: str) -> str | None:
    """The country a single word or name stands for: a country name, demonym or metonym."""
    return gazetteer.country_of_name(text)


def country_of_region_name(name: str) -> str | None:
    """The country of a country, demonym, metonym, or a region of one country ("Florida")."""
    return gazetteer.country_of_name(name) or country_of_region(name)


def country_ending_at(parsed: ParsedText, last: int) -> tuple[str | None, int]:
    """The country named by the words ending at token `last`, and where those words start.

    A named span ending there is read whole ("New Jersey Gov. Chris Christie" is US, not
    Jersey); otherwise the single token is.
    """
    for named in parsed.entities:
        if named.last_token == last and named.label in {"GPE", "NORP", "LOC", "ORG"}:
            return country_of_region_name(LEADING_ARTICLE.sub("", named.text)), named.first_token
    return country_of_token_text(parsed.tokens[last].text), last


def role_before(parsed: ParsedText, end: int, floor: int) -> tuple[str | None, int]:
    """A role phrase ending right before token `end` (not before `floor`): role, its first token."""
    for length in range(min(MAX_ROLE_WORDS, end - floor), 0, -1):
        words = " ".join(t.text for t in parsed.tokens[end - length:end])
        if role := gazetteer.lookup_role(words):
            return role.title, end - length
    return None, end


def describe_before(parsed: ParsedText, first: int, floor: int) -> tuple[str | None, str | None]:
    """Role and country from the words right before a name: "former Venezuelan President X".

    Walks back over a role phrase, then a demonym or "Country's", then a modifier ("former").
    """
    role, i = role_before(parsed, first, floor)
    country = None
    if i - 1 >= floor and parsed.tokens[i - 1].text in POSSESSIVE_TOKENS and i - 2 >= floor:
        country, start = country_ending_at(parsed, i - 2)
        i = start if country else i
    elif i - 1 >= floor:
        country, start = country_ending_at(parsed, i - 1)
        i = start if country else i
    if role is None and country is not None:
        # "Russian Vladimir Putin" is rare; a country word alone is still evidence.
        return None, country
    if role and i - 1 >= floor:
        modifier, _ = gazetteer.split_role_modifier(parsed.tokens[i - 1].text + " " + role)
        if modifier:
            role = f"{modifier} {role}"
    return role, country


def describe_apposition_before(parsed: ParsedText, first: int, floor: int) -> str | None:
    """The country of "his Russian counterpart, Vladimir Putin": a comma, a noun, a demonym."""
    i = first - 1
    if i - 2 < floor or parsed.tokens[i].text != ",":
        return None
    noun = parsed.tokens[i - 1]
    if noun.text.lower() not in APPOSITION_NOUNS and not gazetteer.lookup_role(noun.text):
        return None
    return country_of_token_text(parsed.tokens[i - 2].text)


def describe_after(
    parsed: ParsedText, end_token: int, ceiling: int
) -> tuple[str | None, str | None]:
    """Role and country from an apposition after a name: "Putin, the Russian president,"."""
    i = end_token
    if i >= ceiling or parsed.tokens[i].text != ",":
        return None, None
    i += 1
    if i < ceiling and parsed.tokens[i].text.lower() in DETERMINERS:
        i += 1
    country = None
    if i + 1 < ceiling and parsed.tokens[i + 1].text in POSSESSIVE_TOKENS:
        country = country_of_token_text(parsed.tokens[i].text)
        i += 2 if country else 0
    elif i < ceiling and (country := country_of_token_text(parsed.tokens[i].text)):
        i += 1
    for length in range(min(MAX_ROLE_WORDS, ceiling - i), 0, -1):
        words = " ".join(t.text for t in parsed.tokens[i:i + length])
        if role := gazetteer.lookup_role(words):
            return role.title, country
    return None, None


def describe_person(parsed: ParsedText, found: Found) -> Found:
    """A person span with the role and country its context gives."""
    sentence = parsed.sentences[found.sentence_index]
    role, country = describe_before(parsed, found.first_token, sentence.first_token)
    role = found.role or role
    if country is None:
        country = describe_apposition_before(parsed, found.first_token, sentence.first_token)
    if role is None or country is None:
        after_role, after_country = describe_after(parsed, found.end_token, sentence.end_token)
        role, country = role or after_role, country or after_country
    if country is None:
        country = known_person_country(found.span.text, role)
    return replace(found, role=role, country=country,
                   sector=sector_of_role(role) if role else None)


def known_person_country(name: str, role: str | None) -> str | None:
    """The country of a well-known person the text names without one (rules/people.json):
    by title and name first ("King Hassan"), then by the name ("President Bush" -> Bush)."""
    if role and (country := gazetteer.country_of_person(f"{role} {name}")):
        return country
    return gazetteer.country_of_person(name)


def sector_of_role(role: str) -> str | None:
    """The sector of a role phrase ("former President" -> government)."""
    _, title = gazetteer.split_role_modifier(role)
    found = gazetteer.lookup_role(title)
    return found.sector if found else None


def words_country(tokens: Sequence[Token]) -> str | None:
    """The one country named inside a multi-word name ("Venezuelan Foreign Ministry")."""
    countries = {c for t in tokens if (c := country_of_token_text(t.text))}
    return countries.pop() if len(countries) == 1 else None


def describe_org(parsed: ParsedText, found: Found) -> Found:
    """An organisation with its canonical name, country and sector where known."""
    name = found.span.text
    if org := gazetteer.lookup_organization(name):
        return replace(found, canonical=org.canonical, country=org.country, sector=org.sector)
    if metonym := gazetteer.lookup_metonym(name):
        return replace(found, canonical=metonym.canonical, country=metonym.country,
                       sector="government")
    tokens = parsed.tokens[found.first_token:found.end_token]
    country = words_country(tokens)
    if country is None and found.first_token > 0:
        country = country_of_token_text(parsed.tokens[found.first_token - 1].text)
    if country is None:
        country = country_of_capital_in(name)  # "Baghdad University", "... of Tehran"
    return replace(found, country=country)


def describe_place(found: Found) -> Found:
    """A place with its country: the country itself, or the country of a city or region;
    a part of a country named by a compass word ("South Lebanon", "Western Cambodia")."""
    name = found.span.text
    if metonym := gazetteer.lookup_metonym(name):
        return replace(found, canonical=metonym.canonical, country=metonym.country)
    # A region of one country ("Florida", "New Hampshire") before a city of that name (in CU).
    country = country_of_region(name) or country_of_place(name)
    if country is None and (match := COMPASS_PREFIX.match(name)):
        country = country_of_country_name(name[match.end():])
    if country is None:  # a demonym the model took for a place ("Sri Lankan")
        country = gazetteer.country_of_demonym(name)
    return replace(found, country=country)


def describe(parsed: ParsedText, found: Found) -> Found:
    """Add role, country, sector and canonical name to a span, by its type."""
    if found.type == "PERSON":
        return describe_person(parsed, found)
    if found.type == "ORG":
        return describe_org(parsed, found)
    if found.type == "NORP":
        return replace(found, country=gazetteer.country_of_demonym(found.span.text))
    return describe_place(found)


# ---------------------------------------------------------------- keys


def name_tokens(name: str) -> tuple[str, ...]:
    """A name's folded words: "Nicolás Maduro" -> ("nicolas", "maduro")."""
    return tuple(name_key(name).split())


def country_words_removed(name: str) -> str:
    """An organisation name without its country words: "Venezuela's Foreign Ministry" -> ..."""
    words = [w for w in re.split(r"\s+", name) if w]
    kept = []
    for word in words:
        bare = TRAILING_POSSESSIVE.sub("", word)
        if country_of_token_text(bare):
            continue
        kept.append(word)
    while kept and kept[-1].lower() in {"of", "in", "for"}:
        kept.pop()
    return name_key(" ".join(kept))


def entity_key(found: Found, person_name: str | None = None) -> str:
    """What identifies an entity across articles, whatever its spelling in one of them."""
    if found.type == "PERSON":
        return "person:" + " ".join(name_tokens(person_name or found.span.text))
    if found.type == "NORP":
        return "norp:" + name_key(found.span.text)
    if found.canonical:
        return f"{found.type.lower()}:" + name_key(found.canonical)
    if found.type == "ORG":
        rest = country_words_removed(found.span.text)
        if found.country and rest:
            return f"org:{found.country}:{rest}"
        return "org:" + name_key(found.span.text)
    if country := country_of_country_name(found.span.text):
        return f"country:{country}"
    return f"place:{found.country or ''}:{name_key(found.span.text)}"


def retype_persons(found: list[Found]) -> list[Found]:
    """A name typed ORG or place once that is a person's name elsewhere becomes PERSON.

    "Maduro" (ORG) after "Nicolás Maduro"; "Paris" (GPE) after "Valeska Paris". A place
    turns into a person only by a surname of a full name, not by a first name.
    """
    persons = [name_tokens(f.span.text) for f in found if f.type == "PERSON"]
    person_words = {w for words in persons for w in words}
    surnames = {words[-1] for words in persons if len(words) > 1}
    out = []
    for f in found:
        words = name_tokens(f.span.text)
        if not f.canonical and words and (
            (f.type == "ORG" and (words in persons or (len(words) == 1
                                                       and words[0] in person_words)))
            or (f.type in ("GPE", "LOC") and len(words) == 1 and words[0] in surnames)
        ):
            f = replace(f, type="PERSON", country=None)
        out.append(f)
    return out


def ends_in_acronym(name: str) -> bool:
    """"Pro-Beijing DAB": a mixed-case name whose last word is all capitals, no numeral."""
    last = name.split()[-1]
    return (name != name.upper() and UPPER_WORD.match(last) is not None
            and ROMAN_NUMERAL.match(last) is None)


def vote_types(found: list[Found]) -> list[Found]:
    """One type per name in an article: the model's most frequent type for it wins.

    Acronyms the model calls persons ("DAB", "Pro-Beijing DAB") are organisations; names in
    the gazetteer of organisations are organisations whatever the model said.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for f in found:
        votes[name_key(f.span.text)][f.type] += 1
    out = []
    for f in found:
        kind = f.type
        known_org = f.type != "NORP" and gazetteer.lookup_organization(f.span.text)
        if known_org or (f.type == "PERSON" and (ACRONYM.match(f.span.text)
                                                 or ends_in_acronym(f.span.text))):
            kind = "ORG"
        else:
            counts = votes[name_key(f.span.text)]
            best = max(counts.values())
            if counts[f.type] < best:
                kind = min(k for k, n in counts.items() if n == best)
        out.append(replace(f, type=kind) if kind != f.type else f)
    return out


def propagate_names(
    parsed: ParsedText, found: list[Found], exclude: Span | None,
    acronyms: dict[str, EntityType] | None = None,
) -> list[Found]:
    """Other occurrences in the article of names found once ("Scientology", "Montalvo").

    A small model misses some repeats of a name it found elsewhere in the same text; each
    whole-word, same-case occurrence of a found multi-word name, or of a found person's
    surname, that no span covers yet becomes a mention of the same type. On gum-news this
    takes lenient F1 from 0.690 to 0.709 (propagating one-word names too: 0.701). Acronyms
    defined in the article (`apply_acronyms`) are propagated too, and so is a one-word
    organisation the model found at least twice ("Twitter", "Wikinews"): 0.780 -> 0.788
    (every one-word organisation: 0.784; one-word names found twice, any type: 0.779).
    """
    names: dict[str, EntityType] = dict(acronyms or {})
    one_word_orgs = Counter(f.span.text for f in found
                            if f.type == "ORG" and len(f.span.text.split()) == 1)
    # Not a name the model also calls a person ("Trump": ORG 6 times, PERSON 4), not a
    # person's word here ("Donald Trump"), not a group ("Latino").
    persons = {e.text for e in parsed.entities if e.label == "PERSON"}
    persons |= {w for f in found if f.type == "PERSON" for w in name_tokens(f.span.text)}
    for name, count in sorted(one_word_orgs.items()):
        if count >= MIN_ONE_WORD_ORG_FINDS and name not in persons \
                and name_key(name) not in persons and not gazetteer.is_demonym(name):
            names.setdefault(name, "ORG")
    for f in sorted(found, key=lambda f: (-len(f.span.text), f.span.start)):
        words = f.span.text.split()
        if len(words) > 1:  # one-word names repeat as other things too often ("Explorer")
            names.setdefault(f.span.text, f.type)
        if f.type == "PERSON" and len(words) > 1 and len(words[-1]) > 2 \
                and not UPPER_WORD.match(words[-1]):  # not "DAB", "III"
            names.setdefault(words[-1], "PERSON")
    token_starts = [t.start for t in parsed.tokens]
    taken = [(f.span.start, f.span.end) for f in found]
    if exclude:
        taken.append((exclude.start, exclude.end))
    added = []
    for name, kind in sorted(names.items(), key=lambda item: (-len(item[0]), item[0])):
        if len(name) < 3 or not HAS_UPPER.match(name) or gazetteer.lookup_role(name):
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", parsed.text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            first = token_index_at(token_starts, start)
            last = token_index_at(token_starts, end - 1)
            taken.append((start, end))
            added.append(Found(Span(start, end, name), kind, parsed.tokens[first].sentence,
                               first, last + 1))
    return sorted([*found, *added], key=lambda f: f.span.start)


def person_clusters(found: list[Found]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each person name's folded words -> the full name it is short for in this article.

    "Maduro" -> "Nicolás Maduro" when exactly one longer name contains all its words.
    """
    names = sorted({name_tokens(f.span.text) for f in found if f.type == "PERSON"},
                   key=lambda words: (-len(words), words))
    full: dict[tuple[str, ...], tuple[str, ...]] = {}
    for words in names:
        longer = {full[other] for other in full if len(other) > len(words)
                  and set(words) <= set(other)}
        full[words] = longer.pop() if len(longer) == 1 else words
    return full


# ---------------------------------------------------------------- article level


def extract_entities(
    article_id: str, parsed: ParsedText, exclude: Span | None = None
) -> tuple[tuple[Mention, ...], tuple[EntityFact, ...]]:
    """The mentions and per-entity facts of one article's parsed body.

    `exclude` is a span to leave out, e.g. the dateline (described by the articles table).
    """
    found = join_split_names(parsed, find_spans(parsed, exclude))
    found = add_untyped_names(parsed, found)
    found = correct_types(parsed, vote_types(join_country_organisations(parsed, found)))
    found, acronyms = apply_acronyms(parsed, found)
    found = retype_persons([describe(parsed, f) for f in found])
    found = propagate_names(parsed, found, exclude, acronyms)
    # One type per name again, now that repeats count (gum-news 0.788 -> 0.791).
    found = [describe(parsed, replace(after, role=None, country=None, sector=None,
                                      canonical=None))
             if after.type != before.type else after
             for before, after in zip(found, vote_types(found), strict=True)]
    found = [describe(parsed, f) if f.type == "PERSON" and f.role is None and f.country is None
             else f for f in found]
    clusters = person_clusters(found)
    display: dict[tuple[str, ...], str] = {}
    for f in found:
        if f.type == "PERSON" and clusters[name_tokens(f.span.text)] == name_tokens(f.span.text):
            display.setdefault(name_tokens(f.span.text), f.span.text)
    keyed: list[tuple[str, Found]] = []
    for f in found:
        full = clusters.get(name_tokens(f.span.text)) if f.type == "PERSON" else None
        keyed.append((entity_key(f, display.get(full) if full else None), f))
    mentions = tuple(
        Mention(article_id, f.span.start, f.span.end, make_entity_id(key), f.span.text, f.type,
                f.sentence_index, f.role)
        for key, f in keyed
    )
    return mentions, article_facts(article_id, keyed, display, clusters)


def article_facts(
    article_id: str,
    keyed: list[tuple[str, Found]],
    display: dict[tuple[str, ...], str],
    clusters: dict[tuple[str, ...], tuple[str, ...]],
) -> tuple[EntityFact, ...]:
    """One EntityFact per entity of an article, from its keyed mentions."""
    by_key: dict[str, list[Found]] = defaultdict(list)
    for key, f in keyed:
        by_key[key].append(f)
    facts = []
    for key, group in sorted(by_key.items()):
        first = group[0]
        if first.type == "PERSON":
            name = display.get(clusters[name_tokens(first.span.text)], first.span.text)
        else:
            name = first.canonical or most_common(f.span.text for f in group)
        facts.append(EntityFact(
            article_id=article_id, entity_id=make_entity_id(key), entity_type=first.type,
            name=name, key=key,
            country=most_common(f.country for f in group),
            role=most_common(f.role for f in group),
            sector=most_common(f.sector for f in group),
            aliases=tuple(sorted({f.span.text for f in group})),
            mention_count=len(group),
        ))
    return tuple(facts)


def most_common(values: Iterable[str | None]) -> str | None:
    """The most frequent non-null value; ties go to the first seen."""
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None
