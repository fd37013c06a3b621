"""Finding a facility: one search for the home page, the facility list, step 1 of the feedback
form, the REST API and the back office (see docs/places.md).

Each facility keeps four folded word lists (``lib.translit.search_words``: one spelling for
Cyrillic and every Latin way of typing it), each written `` word word `` so that "a word starting
with x" is ``LIKE '% x%'`` everywhere:

* ``search_name``: its Mongolian and English names, without the words that only say its kind;
* ``search_alias``: the other names of its place: the town of an aimag centre (Tsetserleg is
  Erdenebulgan soum of Arkhangai), ``UB``, district abbreviations (``AdminUnit.aliases``, data);
* ``search_place``: the names of its soum or district and of its aimag or the capital;
* ``search_kind``: the words people use for its kind (``KIND_WORDS``: сургууль, school, ЭМТ…).

A query is cut into the same folded words (``1-р``, ``No. 1`` and ``№1`` all give ``1``); a word
may be followed by the vocabulary's words one or two typos away. A facility matches when every
word (or one of its spellings) starts a word of its lists; numbers and two-letter words must be
whole words. When nothing matches every word, facilities matching the most words come first.
Results are ranked by words found in the name (kind words such as "school" do not count), then
in the place's other names, then in the place, then in the kind, then typed exactly, then whole,
then the shorter name, then by name.

On PostgreSQL the match is a full-text query (``to_tsvector('simple', …) @@ to_tsquery``, GIN
index) and typos are looked up with ``pg_trgm`` (GiST index on the vocabulary); on SQLite the
same conditions are ``LIKE`` scans and the vocabulary is read whole. Both give the same answers.
"""

import math
import re
from dataclasses import dataclass, field
from itertools import combinations

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Prefetch,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Sqrt

from iltod.lib.translit import search_key, search_words

# Words that say nothing about which facility is meant (folded: сумын → sumin, дүүрэг → dureg).
STOP_WORDS = frozenset(
    search_key(w)
    for w in (
        "сум сумын soum sum аймаг аймгийн aimag aimak дүүрэг дүүргийн düüreg district хот хотын city "
        "р r дугаар дугаарын тоот no number the of"
    ).split()
) | {"nu"}  # № reads as "No", folded "nu"

# The words people use for each kind of facility, in any script (folding makes ``surguuli``
# and ``сургууль`` one word). A facility's own kind words are moved out of its name, so that
# ``Tsetserleg`` ranks the town of Tsetserleg above every kindergarten (цэцэрлэг).
KIND_WORDS = {
    "general_school": "сургууль school ЕБС",
    "kindergarten": "цэцэрлэг kindergarten preschool",
    "vocational_school": "сургууль school коллеж college политехник polytechnic МСҮТ vocational",
    "university": "сургууль school university college",
    "dormitory": "дотуур байр dormitory",
    "family_health_centre": "ӨЭМТ ЭМТ эмнэлэг clinic",
    "soum_health_centre": "СЭМТ ЭМТ эмнэлэг hospital clinic",
    "aimag_hospital": "эмнэлэг hospital ЭНЭ АНЭ",
    "district_hospital": "эмнэлэг hospital ДНЭ",
    "specialised_centre": "эмнэлэг hospital ОЭТ",
    "maternity_home": "амаржих төрөх эмнэлэг maternity hospital",
    "pharmacy": "эмийн аптек apteka pharmacy drugstore",
    "other": "",
}
KIND_KEYS = {kind: list(dict.fromkeys(search_words(words))) for kind, words in KIND_WORDS.items()}
ANY_KIND_WORD = frozenset(w for words in KIND_KEYS.values() for w in words)

MAX_WORDS = 8  # a longer query is a sentence, not a name: its first words decide
MAX_SPELLINGS = 4  # typo alternatives kept per word
TRIGRAM_CANDIDATES = 30  # nearest vocabulary words PostgreSQL returns per word before the exact check
FTS_DOCUMENT = "search_name || search_alias || search_place || search_kind"  # as in the GIN index


# --------------------------------------------------------------------------------------------
# The facility's word lists


def _phrase_words(*texts: str) -> list[str]:
    """Words of place names, and each multi-word name also as one word (Bayan-Ölgii → banulgi)."""
    words: list[str] = []
    for text in texts:
        parts = search_words(text or "")
        words.extend(parts)
        if len(parts) > 1 and not any(p.isdigit() for p in parts):
            words.append("".join(parts))
    return words


def _field(words) -> str:
    unique = [w for w in dict.fromkeys(words) if w]
    return f" {' '.join(unique)} " if unique else ""


def area_chain(unit) -> list:
    """The unit and its parents up to the aimag or the capital (the country left out)."""
    chain, seen = [], set()
    while unit is not None and unit.pk not in seen and unit.level != "country":
        seen.add(unit.pk)
        chain.append(unit)
        if unit.level in {"aimag", "capital"}:  # the top: its parent is the country
            break
        unit = unit.parent
    return chain


def document(facility) -> dict[str, str]:
    """The four word lists of a facility (duck-typed, so data migrations can use it too)."""
    kind_words = KIND_KEYS.get(facility.kind, [])
    names = search_words(getattr(facility, "name_mn", "") or facility.name) + search_words(
        getattr(facility, "name_en", "") or ""
    )
    chain = area_chain(facility.admin_unit)
    aliases, places = [], []
    for unit in chain:
        places += _phrase_words(unit.name_mn or unit.name, unit.name_en)
        aliases += _phrase_words(*(unit.aliases or "").split(";"))
        if unit.level not in {"aimag", "capital"}:  # an aimag's centre is one soum, not all of them
            aliases += _phrase_words(unit.centre_name_mn, unit.centre_name_en)
    return {
        "search_name": _field(w for w in names if w not in STOP_WORDS and w not in kind_words),
        "search_alias": _field(w for w in aliases if w not in STOP_WORDS),
        "search_place": _field(w for w in places if w not in STOP_WORDS),
        "search_kind": _field([*kind_words, *(w for w in names if w in kind_words)]),
    }


def fill_search_fields(facility) -> set[str]:
    """Set the facility's word lists; return their words (for the vocabulary)."""
    doc = document(facility)
    for name, value in doc.items():
        setattr(facility, name, value)
    return {w for value in doc.values() for w in value.split()}


def remember_words(words, model=None) -> None:
    """Add words to the vocabulary that typos are matched against (words are never removed:
    a word no facility uses any more only costs a look-up that finds nothing)."""
    if model is None:
        from .models import SearchTerm as model
    new = [model(word=w) for w in sorted(set(words)) if 0 < len(w) <= 64 and not w.isdigit()]
    for start in range(0, len(new), 1000):
        model.objects.bulk_create(new[start : start + 1000], ignore_conflicts=True)


def reindex(queryset=None, *, batch: int = 2000) -> int:
    """Rebuild the word lists of the facilities in ``queryset`` (all by default)."""
    from .models import ServiceUnit

    queryset = ServiceUnit.objects.all() if queryset is None else queryset
    fields = ["search_name", "search_alias", "search_place", "search_kind"]
    done, words = 0, set()
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        facilities = list(ServiceUnit.objects.filter(pk__in=ids[start : start + batch]).with_areas(4))
        for facility in facilities:
            words |= fill_search_fields(facility)
        ServiceUnit.objects.bulk_update(facilities, fields, batch_size=500)
        done += len(facilities)
    remember_words(words)
    return done


# --------------------------------------------------------------------------------------------
# The query


@dataclass
class Term:
    """One word of the query and the spellings it may match."""

    word: str
    fuzzy: list[str] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        """Numbers and very short words must be whole words: ``1`` is not ``12``, ``ub`` not ``ubs…``."""
        return self.word.isdigit() or len(self.word) <= 2

    def pattern(self, word: str) -> str:
        return f" {word} " if self.whole or word in self.fuzzy else f" {word}"

    @property
    def spellings(self) -> list[str]:
        return [self.word, *self.fuzzy]

    def tsquery(self) -> str:
        parts = [w if self.whole or w in self.fuzzy else f"{w}:*" for w in self.spellings]
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def parse(text: str) -> list[Term]:
    words = search_words(text or "")
    kept = [w for w in words if w not in STOP_WORDS] or words
    return [Term(w) for w in list(dict.fromkeys(kept))[:MAX_WORDS]]


def typo_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters is one typo), ``limit + 1`` as soon
    as it is known to be larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(word: str) -> int:
    if word.isdigit() or len(word) < 5:
        return 0
    return 1 if len(word) <= 8 else 2


def _vocabulary_candidates(words: list[str]) -> dict[str, list[str]]:
    from .models import SearchTerm

    if not words:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT q, t.word FROM unnest(%s::text[]) AS q CROSS JOIN LATERAL (
                      SELECT word FROM {SearchTerm._meta.db_table} ORDER BY word <-> q LIMIT %s) t""",  # noqa: S608
                [words, TRIGRAM_CANDIDATES],
            )
            found: dict[str, list[str]] = {}
            for q, word in cursor.fetchall():
                found.setdefault(q, []).append(word)
            return found
    shortest = min(len(w) for w in words) - 2
    longest = max(len(w) for w in words) + 2
    vocabulary = list(
        SearchTerm.objects.annotate(length=Length("word"))
        .filter(length__gte=shortest, length__lte=longest)
        .values_list("word", flat=True)
    )
    return dict.fromkeys(words, vocabulary)


def add_spellings(terms: list[Term]) -> None:
    """Give each long enough word the vocabulary's words one typo away (two for long words),
    nearest first; words that already start with it match anyway."""
    wanted = [t.word for t in terms if allowed_typos(t.word)]
    candidates = _vocabulary_candidates(wanted)
    for term in terms:
        limit = allowed_typos(term.word)
        if not limit:
            continue
        scored = []
        for word in candidates.get(term.word, []):
            if word.startswith(term.word):
                continue
            distance = typo_distance(term.word, word, limit)
            if distance <= limit:
                scored.append((distance, word))
        term.fuzzy = [w for _d, w in sorted(scored)[:MAX_SPELLINGS]]


SEARCH_FIELDS = ("search_name", "search_alias", "search_place", "search_kind")
ALL_FIELDS = "search_all"  # the four lists end to end (an alias of the query), as the GIN index reads them
MAX_COMBINATIONS = 16  # beyond, a query matched by no facility falls back to any of its words


def _matches(term: Term, field: str = ALL_FIELDS, spellings=None) -> Q:
    q = Q()
    for word in spellings if spellings is not None else term.spellings:
        q |= Q(**{f"{field}__contains": term.pattern(word)})
    return q


def _hits(conditions: list[Q]) -> Case | Value:
    total = None
    for condition in conditions:
        one = Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
        total = one if total is None else total + one
    return total if total is not None else Value(0, output_field=IntegerField())


def _fulltext(query: str) -> RawSQL:
    """The indexed full-text match; the SQL is a constant and the query a parameter."""
    sql = f"to_tsvector('simple'::regconfig, {FTS_DOCUMENT}) @@ to_tsquery('simple'::regconfig, %s)"
    return RawSQL(sql, [query], output_field=BooleanField())  # noqa: S611


def _words_of(groups: list[list[Term]]):
    """Facilities matching every word of at least one group: a full-text query on PostgreSQL
    (served by the GIN index), the same condition as LIKEs elsewhere."""
    if connection.vendor == "postgresql":
        return _fulltext(" | ".join("(" + " & ".join(t.tsquery() for t in group) + ")" for group in groups))
    condition = Q()
    for group in groups:
        every = Q()
        for term in group:
            every &= _matches(term)
        condition |= every
    return condition


def _ranking(terms: list[Term]) -> dict:
    """The ranking columns (see the module's docstring). A kind word (сургууль, school) found in a
    name says no more than the kind: it is not a name hit, so "surguuli erdenebulgan" puts the
    school before "…1-р сургуулийн дотуур байр". Typos and prefixes are counted only for the words
    that can have them (for the others they would be the same on every row)."""
    naming = [t for t in terms if t.word not in ANY_KIND_WORD]
    return {
        "name_hits": _hits([_matches(t, "search_name") for t in naming]),
        "alias_hits": _hits([_matches(t, "search_alias") for t in terms]),
        "place_hits": _hits([_matches(t, "search_place") for t in terms]),
        "kind_hits": _hits([_matches(t, "search_kind") for t in terms]),
        "exact_hits": _hits([_matches(t, spellings=[t.word]) for t in terms if t.fuzzy]),
        "whole_hits": _hits([Q(**{f"{ALL_FIELDS}__contains": f" {t.word} "}) for t in terms if not t.whole]),
        # then the name that says least besides the words typed: school No. 1 before its dormitory
        "name_length": Length("search_name"),
    }


ORDER = ["-name_hits", "-alias_hits", "-place_hits", "-kind_hits", "-exact_hits", "-whole_hits", "name_length"]


# A public code (8 letters and digits) or a registry code (with a digit), typed or pasted.
CODE_LIKE = re.compile(r"^(?:[A-Za-z0-9]{8}|(?=.*\d)[A-Za-z0-9-]{4,64})$")


def _with_places(facilities):
    """The soum/district and its aimag of the rows shown, read after the page is cut (one query)
    rather than joined to every matching row before the ranking: "Tsetserleg" matches thousands."""
    from .models import AdminUnit

    units = AdminUnit.objects.without_shapes().select_related("parent").defer("parent__boundary")
    return facilities.prefetch_related(Prefetch("admin_unit", queryset=units))


# The rows of a search that are ever shown in rank order: the facility list counts up to 1 000
# (``places.views.RankedPaginator.cap``) and the rest of a larger match is never read in order.
RANKED_ROWS = 1001
FTS_NOT_KIND = "search_name || search_alias || search_place"  # as in the GIN index of places.0004


def _kinds_of_kind_words(terms: list[Term]) -> list[str]:
    """The kinds that a query made only of kind words (kindergarten, ЭМТ, Tsetserleg, dotuur bair…)
    names, when every facility of those kinds ranks alike unless its name or place holds a word
    of the query: each word is a whole word of each such kind, and no other kind has every word
    (or a typo spelling, or a longer word it starts). Empty when the query has any other word
    (its text decides the rank) or a kind would match it only in part (its rows would rank lower)."""
    if any(t.word not in ANY_KIND_WORD for t in terms):
        return []
    kinds = []
    for kind, words in KIND_KEYS.items():
        field = _field(words)
        if all(t.word in words for t in terms):
            kinds.append(kind)
        elif all(any(t.pattern(w) in field for w in t.spellings) for t in terms):
            return []
    return kinds


def _bounded_to_top_of_kinds(facilities, terms: list[Term], kinds: list[str]):
    """The facilities matching a query made of kind words, cut to the rows that can be among its
    first ``RANKED_ROWS`` (PostgreSQL).

    A facility of ``kinds`` whose name, other place names and place hold none of the words ranks
    exactly like every other such facility (no name, alias or place hit, every word in its kind,
    whole and exact; a typo spelling of a word is found only in names or places): they come in
    the order of the tie-break, length of ``search_name`` then name, which the index
    ``serviceunit_kind_rank_*`` (places.0004) reads in order, so the first ``RANKED_ROWS`` of them
    cost an index range scan per kind. Every other match holds a word of the query
    in its name or place and is found through the GIN index ``serviceunit_search_fts_not_kind``;
    they are few (those of a town named like a kind, "Tsetserleg") and ranked in full. So the
    ranking reads a thousand rows instead of the third of the country that "kindergarten"
    matches, and its first ``RANKED_ROWS`` rows and the capped count are the same as without the cut.
    """
    any_word = " | ".join(t.tsquery() for t in terms)
    sql = f"to_tsvector('simple'::regconfig, {FTS_NOT_KIND}) @@ to_tsquery('simple'::regconfig, %s)"
    elsewhere = facilities.filter(RawSQL(sql, [any_word], output_field=BooleanField()))  # noqa: S611
    if len(terms) > 1:  # every word, checked on these few rows: ANDing the index of the whole match costs more
        every_word = " & ".join(t.tsquery() for t in terms)
        sql = f"(to_tsvector('simple'::regconfig, {FTS_DOCUMENT}) @@ to_tsquery('simple'::regconfig, %s)) IS TRUE"
        elsewhere = elsewhere.filter(RawSQL(sql, [every_word], output_field=BooleanField()))  # noqa: S611
    # One range scan per kind: the index gives one kind's rows in order, not those of two kinds merged.
    of_kinds = [
        facilities.filter(kind=kind).order_by(Length("search_name"), "name", "pk").values("pk")[:RANKED_ROWS]
        for kind in kinds
    ]
    candidates = elsewhere.order_by().values("pk").union(*of_kinds, all=True)
    return facilities.filter(pk__in=candidates)


def search_facilities(text: str, *, area=None, kind: str | None = None, queryset=None):
    """Active facilities matching ``text``, best first, with their soum/district and aimag loaded.

    ``area`` (an ``AdminUnit``) keeps the facilities in it and below it, ``kind`` one kind.
    ``queryset`` narrows the facilities searched (the back office searches inactive ones too).
    An empty ``text`` filters nothing and orders by name."""
    from .models import ServiceUnit

    facilities = ServiceUnit.objects.active() if queryset is None else queryset
    if area is not None:
        facilities = facilities.in_area(area)
    if kind:
        facilities = facilities.filter(kind=kind)
    text = (text or "").strip()
    terms = parse(text)
    if not terms:
        return facilities.with_areas(2).order_by("name", "pk")
    facilities = _with_places(facilities)
    if CODE_LIKE.match(text):
        by_code = facilities.filter(Q(code=text.upper()) | Q(registry_code__in={text, text.upper()}))
        if by_code.exists():
            return by_code.order_by("name", "pk")
    add_spellings(terms)
    # The four lists end to end (the columns are never NULL: no COALESCE, as Concat would add).
    facilities = facilities.alias(search_all=RawSQL(FTS_DOCUMENT, [], output_field=TextField()))  # noqa: S611
    ranking = _ranking(terms)
    matched = facilities.filter(_words_of([terms]))
    if len(terms) == 1 or matched.exists():
        kinds = _kinds_of_kind_words(terms) if connection.vendor == "postgresql" else None
        if kinds:
            matched = _bounded_to_top_of_kinds(facilities, terms, kinds)
        return matched.alias(**ranking).order_by(*ORDER, "name", "pk")
    # No facility has every word: those with all but one first, else all but two…, else any word.
    for size in range(len(terms) - 1, 0, -1):
        groups = [list(c) for c in combinations(terms, size)]
        if len(groups) > MAX_COMBINATIONS:
            groups = [[t] for t in terms]
        matched = facilities.filter(_words_of(groups))
        if len(groups[0]) == 1 or matched.exists():
            ranking["word_hits"] = _hits([_matches(t) for t in terms])
            return matched.alias(**ranking).order_by("-word_hits", *ORDER, "name", "pk")
    return matched.none()


# --------------------------------------------------------------------------------------------
# Facilities near a point

NEAR_RADIUS_KM = 25
KM_PER_DEGREE = 111.32


def facilities_near(latitude: float, longitude: float, *, radius_km: float = NEAR_RADIUS_KM, queryset=None):
    """Active facilities within ``radius_km`` of a point, nearest first, each with ``distance_km``
    (flat-earth approximation: right to a few metres at these distances). The bounding box uses
    the location index; facilities not yet placed on the map are left out."""
    from .models import ServiceUnit

    facilities = ServiceUnit.objects.active() if queryset is None else queryset
    dlat = radius_km / KM_PER_DEGREE
    scale = math.cos(math.radians(latitude))
    dlon = radius_km / (KM_PER_DEGREE * max(scale, 0.01))
    dy = (F("latitude") - latitude) * KM_PER_DEGREE
    dx = (F("longitude") - longitude) * (KM_PER_DEGREE * scale)
    return (
        facilities.with_areas(2)
        .filter(
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlon, longitude + dlon),
        )
        .annotate(distance_km=Sqrt(ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField())))
        .filter(distance_km__lte=radius_km)
        .order_by("distance_km", "pk")
    )


def facilities_by_kind(area) -> list[tuple[str, list]]:
    """Browsing without typing: the active facilities of a soum or district (and below), grouped
    by kind (kinds in the order of ``ServiceUnit.Kind``, facilities by name)."""
    from .models import ServiceUnit

    facilities = ServiceUnit.objects.active().in_area(area).only("code", "name", "name_mn", "name_en", "kind")
    groups: dict[str, list] = {}
    for facility in facilities.order_by("name", "pk"):
        groups.setdefault(facility.kind, []).append(facility)
    return [(label, groups[kind]) for kind, label in ServiceUnit.Kind.choices if kind in groups]
