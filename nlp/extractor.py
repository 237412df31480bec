"""Transfer events from a prepared document, by rules over words and clubs.

Per sentence: clubs get a side from the words before and after them
(origin, destination, buyer, owner, counterpart), people are kept when they
sit where a moving person sits and dropped when they are bystanders, and cue
words give stage and kind. The article's subject club (the one it is about)
fills the side a sentence leaves implicit ("l'altro obiettivo è X del
Torino": the subject club is the buyer). Events about one person are merged
across sentences at the end.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Generic, Literal, TypeVar

from nlp.automaton import Automaton
from nlp.cues import Cue, CueKey, CueSet, CueTable, Lexicon, lexicon
from nlp.fees import GBP_TO_EUR, USD_TO_EUR, Fee, find_fees
from nlp.gazetteer import ClubKey, ClubMatch, Gazetteer, default_gazetteer
from nlp.language import is_supported
from nlp.patterns import LanguagePatterns, patterns_for
from nlp.people import NameMention, People, find_names, link_names, stopnames
from nlp.textfold import fold
from nlp.types import STAGES, Document, Kind, Mention, Role, Stage

Side = Literal[
    "from", "to", "buyer", "owner", "counterpart", "subject_buyer", "subject_seller", "none"
]

T = TypeVar("T")
_KIND_PRIORITY: tuple[Kind, ...] = (
    "loan_with_obligation",
    "loan_with_option",
    "return_from_loan",
    "loan",
    "free",
    "extension",
    "appointment",
    "permanent",
    "departure",
)
_PROGRESS = {stage: index for index, stage in enumerate(STAGES[:6])}
_BEFORE = 70
_AFTER = 60
_COORDINATION = frozenset([" and ", " e ", " ed ", ", ", " or ", " o "])
_APPOSITION = (",", "", ", il", ", l'")  # between a name and a role word after it
_NOT_A_PRICE = ("salary", "clause", "target", "loan_fee")  # amounts that are no transfer fee
_MIN_CLAUSE = 20  # characters each side of a semicolon for it to split a sentence
_STRONG_GAP = 28  # characters between a person and "alla Juventus" for a direct link


@dataclass(frozen=True, slots=True)
class ExtractorSettings:
    """Tunable constants; the defaults are the project's settings."""

    gbp_to_eur: float = GBP_TO_EUR
    usd_to_eur: float = USD_TO_EUR


class _Club:
    """A club mention resolved to one club. A plain class, which mypyc builds and
    reads as a C struct (a named tuple's constructor runs as Python)."""

    __slots__ = ("ambiguous", "club_id", "end", "kind", "start")

    def __init__(self, start: int, end: int, club_id: str, kind: str, ambiguous: bool) -> None:
        self.start = start
        self.end = end
        self.club_id = club_id
        self.kind = kind
        self.ambiguous = ambiguous


class _Candidate:
    """One sentence's move for one person, before the merge.

    A plain class, not a dataclass: compiled by mypyc, its constructor is native
    code, where a dataclass's generated `__init__` runs as Python (several per
    article)."""

    def __init__(
        self,
        *,
        person: int,
        start: int,
        role: Role,
        from_club: str | None,
        to_club: str | None,
        kind: Kind,
        stage: Stage,
        fee_eur: float | None,
        evidence: tuple[int, int],  # [start, end) of the evidence in the document text
        confidence: float,
        strong: bool,
        implicit_to: bool = False,
        departed: bool = False,  # sacked or released: a departure with no destination
        described: bool = False,  # the person described, not named ("il difensore")
    ) -> None:
        self.person = person
        self.start = start
        self.role = role
        self.from_club = from_club
        self.to_club = to_club
        self.kind = kind
        self.stage = stage
        self.fee_eur = fee_eur
        self.evidence = evidence
        self.confidence = confidence
        self.strong = strong
        self.implicit_to = implicit_to
        self.departed = departed
        self.described = described


class Extractor:
    """Rule-based extractor bound to one gazetteer and one set of settings."""

    def __init__(
        self, gazetteer: Gazetteer | None = None, settings: ExtractorSettings | None = None
    ) -> None:
        self.gazetteer = gazetteer or default_gazetteer()
        self.settings = settings or ExtractorSettings()
        self._scanners: dict[str, _Scanner] = {}

    def extract(self, doc: Document) -> list[Mention]:
        """Events the document reports; [] for unsupported languages."""
        return self.extract_text(
            doc.text, doc.lang, [(sentence.start, sentence.end) for sentence in doc.sentences]
        )

    def extract_text(self, text: str, lang: str, sentences: list[tuple[int, int]]) -> list[Mention]:
        """`extract` of Document(text, lang, sentences), the sentences as (start, end)
        pairs: what the rules read, without building a Span for each."""
        if not is_supported(lang):
            return []
        lex, pats = lexicon(lang), patterns_for(lang)
        if lex is None or pats is None or not text:
            return []
        scanner = self._scanners.get(lang)
        if scanner is None:
            scanner = self._scanners[lang] = _Scanner(self.gazetteer, _cue_set(lang, lex))
        return _Run(self, text, sentences, lex, pats, scanner).events()


class _Scanner:
    """The clubs of a gazetteer and the cues of a language found in one automaton walk
    over an article (two walks took twice as long)."""

    def __init__(self, gazetteer: Gazetteer, cues: CueSet) -> None:
        self.gazetteer = gazetteer
        self.cues = cues
        both: dict[str, tuple[ClubKey | None, CueKey | None]] = {}
        for key, club in gazetteer.automaton_entries():
            both[key] = (club, None)
        for key, cue in cues.automaton_entries():
            both[key] = (both.get(key, (None, None))[0], cue)
        self.automaton = Automaton(both.items())
        self.clubs = [club for club, _ in self.automaton.values]
        self.cue_keys = [cue for _, cue in self.automaton.values]

    def scan(self, text: str, folded: str) -> tuple[list[ClubMatch], list[list[Cue]]]:
        """`gazetteer.find(text, folded)` and `cues.find(folded)`."""
        matches = self.automaton.matches(folded)
        return (
            self.gazetteer.select(text, folded, matches, self.clubs),
            self.cues.select(folded, matches, self.cue_keys, len(folded)),
        )


class _Run:
    """State of one extraction (one document)."""

    def __init__(
        self,
        owner: Extractor,
        text: str,
        sentences: list[tuple[int, int]],
        lex: Lexicon,
        pats: LanguagePatterns,
        scanner: _Scanner,
    ) -> None:
        self.gaz = owner.gazetteer
        self.settings = owner.settings
        self.text = text
        self.folded = fold(text)
        self.lex = lex
        self.pats = pats
        # Patterns a language leaves as "never matches" are skipped: a search for one
        # still tries every position of its window.
        self.owner_after = not _never(pats.owner_after)
        self.deal_for_before = not _never(pats.deal_for_before.forward)
        self.appointed_before = not _never(pats.appointed_before.forward)
        self.sentences = _clauses(text, sentences) or [(0, len(text))]
        self.sentence_starts = [start for start, _ in self.sentences]
        self.title_end = self.text.find("\n\n") if "\n\n" in self.text else 0
        club_matches, cues = scanner.scan(text, self.folded)
        self.clubs = self._resolve_clubs(club_matches)
        self.club_ends = [club.end for club in self.clubs]
        self.subject = self._subject_club()
        self.datelines = self._datelines()
        self.paragraphs: list[tuple[int, str | None]] = []
        self.section_starts: list[int] = []
        spans = find_names(
            self.text, self.sentences, [(c.start, c.end) for c in self.clubs], self.folded
        )
        self.people: People = link_names(self.text, spans)
        self.mention_ends = [mention.end for mention in self.people.mentions]
        # Cues and amounts found once over the whole text, then sliced per sentence.
        (
            self.stage_cues,
            self.kind_cues,
            self.role_cues,
            self.outgoing,
            self.buyer_view,
            self.official_default,
            self.coach_context,
            self.departure_verb,
            self.match_action,
            self.departed_cue,
        ) = (_Positions(table) for table in cues)
        self.fees = _Positions(
            find_fees(self.text, self.settings.gbp_to_eur, self.settings.usd_to_eur)
            if _DIGIT.search(self.text)
            else []
        )
        self.roles = self._roles()
        self.paragraphs = self._paragraph_subjects()
        self.section_starts = [start for start, _ in self.paragraphs or self.datelines]
        self.has_epithets = not _never(pats.epithet_before.forward)
        self.described: set[int] = set()
        # Described sentences with a stage and no club: index -> (person, description span)
        self.stage_only: dict[int, tuple[int, int, int]] = {}
        self.affiliation: dict[int, str] = {}
        # Plain dicts, not Counters: a Counter's methods run as Python.
        self.non_mover: dict[int, int] = {}
        self.quotes = _quote_spans(self.text)

    # --- clubs -----------------------------------------------------------------

    def _resolve_clubs(self, matches: list[ClubMatch]) -> list[_Club]:
        explicit: dict[str, int] = {}
        for match in matches:
            if match.kind in ("name", "alias") and len(match.candidates) == 1:
                club_id = match.candidates[0]
                explicit[club_id] = explicit.get(club_id, 0) + 1
        resolved: list[_Club] = []
        for match in matches:
            if match.kind == "nickname" and self._inside_a_name(match):
                continue  # "Paolo Viola" is a person, not Fiorentina
            ambiguous = len(match.candidates) > 1
            if ambiguous:
                best = max(
                    match.candidates, key=lambda c: (explicit.get(c, 0), -match.candidates.index(c))
                )
                if explicit.get(best, 0) == 0 and match.kind == "city":
                    continue  # "Milano" with neither Milan club named: say nothing
            else:
                best = match.candidates[0]
            resolved.append(_Club(match.start, match.end, best, match.kind, ambiguous))
        return resolved

    def _inside_a_name(self, match: ClubMatch) -> bool:
        """A capitalised nickname right after a capitalised word is a surname."""
        if not match.surface[:1].isupper() or match.start < 2 or self.text[match.start - 1] != " ":
            return False
        previous = self.text[: match.start - 1].rsplit(None, 1)[-1:] or [""]
        word = previous[0]
        return word[:1].isupper() and word.isalpha() and fold(word) not in stopnames()

    def _subject_club(self) -> str | None:
        """The club the article is about: most mentioned, title and nicknames weigh more."""
        scores: dict[str, int] = {}
        for club in self.clubs:
            # Integer weights: nicknames and the title say whose side the writer is on.
            weight = 3 if club.kind in ("nickname", "city") else 2
            if club.start < self.title_end:
                weight *= 3
            scores[club.club_id] = scores.get(club.club_id, 0) + weight
        if not scores:
            return None
        # The two highest, ties in order of first mention (as Counter.most_common(2)).
        (best, top), *rest = [*_highest(scores, 2), ("", 0.0)]
        return best if top > rest[0][1] or top >= 4 else None

    def _datelines(self) -> list[tuple[int, str]]:
        """Round-up sections opened by a club in capitals ("VERONA - ..."), in order."""
        starts = {start for start, _ in self.sentences}
        return [
            (club.start, club.club_id)
            for club in self.clubs
            if club.start in starts
            and self.text.startswith(" - ", club.end)
            and self.text[club.start : club.end].isupper()
        ]

    def _subject_at(self, position: int) -> str | None:
        """The club a passage is about: its round-up section's, else the article's."""
        if self.section_starts:
            index = bisect_left(self.section_starts, position + 1) - 1
            if self.paragraphs:
                return self.paragraphs[index][1] if index >= 0 else None
            return self.datelines[index][1] if index >= 0 else self.subject
        return self.subject

    def _paragraph_subjects(self) -> list[tuple[int, str | None]]:
        """In a round-up with no datelines, each paragraph's club: the one opening its
        first sentence as the grammatical subject ("Chelsea are closing in on...",
        "Fulham's move for..."), else none. Empty unless two paragraphs open with
        different clubs: an article about one club keeps that club as its subject."""
        text = self.text
        if self.datelines or len(self.clubs) < 2 or "\n\n" not in text:
            return []
        folded, pats, clubs = self.folded, self.pats, self.clubs
        out: list[tuple[int, str | None]] = []
        openers: set[str] = set()
        index = 0
        start = 0
        while start >= 0:
            while start < len(text) and text[start].isspace():
                start += 1
            while index < len(clubs) and clubs[index].start < start:
                index += 1
            club_id = None
            if index < len(clubs) and clubs[index].start - start < 5:
                club = clubs[index]
                if folded[start : club.start].strip() in _OPENING_ARTICLES:
                    stop = min(self._sentence_of(club.start)[1], club.end + _AFTER)
                    after = folded[club.end : stop]
                    if pats.subject_verb_after.search(after) or pats.buyer_after.search(after):
                        club_id = club.club_id
                        openers.add(club_id)
            out.append((start, club_id))
            start = text.find("\n\n", start)
            if start >= 0:
                start += 2
        return out if len(openers) >= 2 else []

    # --- people ----------------------------------------------------------------

    def _roles(self) -> dict[int, Role]:
        votes: dict[int, dict[Role, int]] = defaultdict(dict)
        role_cues, folded = self.role_cues, self.folded
        for mention in self.people.mentions:
            window_start = max(self._sentence_of(mention.start)[0], mention.start - 40)
            # The role word right before the name, and one right after it ("X, il tecnico").
            cues = [role_cues.last(window_start, mention.start)]
            after = role_cues.first(mention.end, min(len(self.text), mention.end + 40))
            if after is not None and self.text[mention.end : after.start].strip(" ") in _APPOSITION:
                cues.append(after)
            for cue in cues:
                if cue is not None and cue.label in ("player", "coach", "executive"):
                    _vote(votes[mention.person], cue.label)  # type: ignore[arg-type]
            if folded.find("classe ", window_start, mention.start) >= 0 or folded.startswith(
                (", classe", " classe"), mention.end
            ):
                _vote(votes[mention.person], "player")
        return {person: _highest(counts, 1)[0][0] for person, counts in votes.items()}

    def _sentence_of(self, position: int) -> tuple[int, int]:
        index = bisect_right(self.sentence_starts, position) - 1
        if index >= 0:
            start, end = self.sentences[index]
            if start <= position < end:
                return start, end
        return position, position

    # --- sentences ---------------------------------------------------------------

    def events(self) -> list[Mention]:
        candidates: list[_Candidate] = []
        mentions_by_sentence: dict[int, list[NameMention]] = defaultdict(list)
        clubs_by_sentence: dict[int, list[_Club]] = defaultdict(list)
        bounds = self.sentence_starts
        for mention in self.people.mentions:
            mentions_by_sentence[_index_of(bounds, mention.start)].append(mention)
        for club in self.clubs:
            clubs_by_sentence[_index_of(bounds, club.start)].append(club)
        if self.has_epithets:
            self._epithets(mentions_by_sentence, clubs_by_sentence)
        # Pass 1: affiliations ("X del Torino") and bystanders across the article.
        # A club's side only matters in a sentence that names a person.
        sides_by_sentence: dict[int, list[tuple[_Club, Side]]] = {}
        for index, (start, end) in enumerate(self.sentences):
            if not mentions_by_sentence[index]:
                continue
            sides = [(club, self._side(club, start, end)) for club in clubs_by_sentence[index]]
            if len(sides) > 1:
                sides = self._share_buyer_side(sides)
            sides_by_sentence[index] = sides
            for club, side in sides:
                if side == "owner":
                    person = self._nearest_person(mentions_by_sentence[index], club)
                    if person is not None:
                        self.affiliation.setdefault(person.person, club.club_id)
        previous: list[_Candidate] = []
        for index, (start, end) in enumerate(self.sentences):
            mentions = mentions_by_sentence[index]
            if not mentions and index in self.stage_only:
                who, first, after = self.stage_only[index]
                if any(c.person == who for c in previous):
                    self._carry_stage(previous, who, start, end)
                else:  # no move to take further: read the sentence as naming him
                    mentions = [NameMention(first, after, self.text[first:after], who)]
                    self.described.add(first)
            found = (
                self._sentence_events(start, end, mentions, sides_by_sentence.get(index, []))
                if mentions
                else []
            )
            # A sentence that only describes the person and makes no move of its own
            # spells out the previous one's, as a nameless sentence does.
            if not found and (not mentions or mentions[0].start in self.described):
                if previous:
                    breaks = self.text.count("\n\n", previous[0].start, start)
                    if breaks == 0:
                        self._carry_kind(previous, start, end)
                    if breaks <= 1:
                        self._carry_fee(previous, start, end)
                previous = []
                continue
            previous = found
            candidates.extend(found)
        return self._merge(candidates)

    def _epithets(
        self,
        mentions_by_sentence: dict[int, list[NameMention]],
        clubs_by_sentence: dict[int, list[_Club]],
    ) -> None:
        """A sentence that names nobody but describes someone ("Il difensore dell'Amburgo
        ...", "The 22-year-old Dutchman ...") right after a sentence of the same paragraph
        that names one person only: the description is that person (a coach word only
        for a coach)."""
        before = self.pats.epithet_before
        bounds = self.sentence_starts
        linked: dict[int, int] = {}  # described sentences, so that a third one follows
        for cue in self.role_cues.items:
            if cue.label not in _DESCRIBING:
                continue
            index = _index_of(bounds, cue.start)
            if index in mentions_by_sentence or index in linked or _inside(self.quotes, cue.start):
                continue  # a sentence that names someone, or one described already
            named = index - 1
            person = linked.get(named, -1)
            if person < 0:
                mentions = mentions_by_sentence.get(named)
                if not mentions:
                    continue
                person = mentions[0].person
                if any(m.person != person for m in mentions):
                    continue
            start, end = self.sentences[index]
            if "\n\n" in self.text[self.sentences[named][1] : start]:
                continue
            if (cue.label == "coach") != (self.roles.get(person, "player") == "coach"):
                continue
            back = self.folded[max(start, cue.start - 40) : cue.start][::-1]
            if not before.search_reversed(back):
                continue
            linked[index] = person
            if index in clubs_by_sentence:
                mentions_by_sentence[index] = [
                    NameMention(cue.start, cue.end, self.text[cue.start : cue.end], person)
                ]
                self.described.add(cue.start)
            elif self.stage_cues.any(start, end):
                # Only a stage for the move just read ("The 25-year-old has passed his
                # medical"): given to it directly, without reading the sentence again.
                self.stage_only[index] = (person, cue.start, cue.end)

    def _side(self, club: _Club, sent_start: int, sent_end: int) -> Side:
        p = self.pats
        before = self.folded[max(sent_start, club.start - _BEFORE) : club.start]
        back = before[::-1]  # what `TailPattern`s are matched on
        after = self.folded[club.end : min(sent_end, club.end + _AFTER)]
        if p.former_before.search_reversed(back):
            return "none"
        if p.paid_after.search(after):
            return "from"  # "ai Wolves andranno 12 milioni": the club paid is the seller
        if club.kind == "city":  # "a Zingonia", "at Old Trafford": mostly a place
            if self._city_is_destination(club, back, sent_start):
                return "to"
            return "from" if p.city_from_before.search_reversed(back) else "none"
        clause_start = _last_break(p, before)
        if clause_start is not None and p.stale_clause.search(before[clause_start:]):
            return "none"
        genitive = p.genitive_before.search_reversed(back)
        if genitive and self._person_right_before(club.start, sent_start):
            return "owner"  # "Bonifazi del Torino"
        if p.buyer_before.search_reversed(back):
            return "buyer"
        if p.counterpart_before.search_reversed(back):
            return "counterpart"
        if p.buyer_after.search(after):
            return "buyer"
        if p.owner_before.search_reversed(back) or (
            self.owner_after and p.owner_after.search(after)
        ):
            return "owner"
        if p.from_before.search_reversed(back):
            return "from"
        if p.to_before.search_reversed(back):
            # "for Lille's last two fixtures": a club followed by what it owns.
            return "none" if after.startswith("'s ") else "to"
        if genitive:
            return "owner" if self._person_right_before(club.start, sent_start) else "none"
        if p.subject_verb_after.search(after) and not _ends_with_preposition(before):
            if self._coordinated_with_club(club, before):
                # "Palace and Sporting Braga agreed a fee": the second of two clubs that
                # agree together is the other side of the deal.
                return "counterpart"
            return "subject_seller" if p.seller_verb_after.search(after) else "subject_buyer"
        return "none"

    def _share_buyer_side(self, sides: list[tuple[_Club, Side]]) -> list[tuple[_Club, Side]]:
        """A club joined by "e"/"and" to a buyer is a buyer too ("su di lui ci sono
        Brighton e Lipsia")."""
        if not any(side in _BUYER_SIDES for _, side in sides):
            return sides
        out = sides[:1]
        for club, side in sides[1:]:
            previous, previous_side = out[-1]
            if (
                side == "none"
                and previous_side in _BUYER_SIDES
                and self.folded[previous.end : club.start] in _JOINTS
            ):
                side = previous_side
            out.append((club, side))
        return out

    def _coordinated_buyers(self, sides: list[tuple[_Club, Side]]) -> dict[str, list[str]]:
        """Each buyer's fellow buyers joined to it by "e"/"and"/a comma ("Genoa e Verona
        su Diakité"): each chases the player, one move per destination."""
        groups: list[list[str]] = []
        previous: _Club | None = None
        for club, side in sides:
            if side not in _BUYER_SIDES:
                previous = None
                continue
            if previous is not None and self.folded[previous.end : club.start] in _JOINTS:
                if club.club_id not in groups[-1]:
                    groups[-1].append(club.club_id)
            else:
                groups.append([club.club_id])
            previous = club
        return {club: group for group in groups if len(group) > 1 for club in group}

    def _coordinated_with_club(self, club: _Club, before: str) -> bool:
        """Whether `before` (the folded text before `club`) ends in "<club> and "."""
        for joint in _AND:
            if before.endswith(joint):
                index = bisect_left(self.club_ends, club.start - len(joint))
                return index < len(self.club_ends) and self.club_ends[index] == club.start - len(
                    joint
                )
        return False

    def _city_is_destination(self, club: _Club, back: str, sent_start: int) -> bool:
        """A town is a destination after a verb of arriving, or right after a name
        in a headline's shorthand ("Solbakken a Londra")."""
        if self.pats.city_to_before.search_reversed(back):
            return True
        return back.startswith((" a ", " in ", " to ")) and self._person_right_before(
            club.start, sent_start
        )

    def _person_right_before(self, position: int, sent_start: int) -> bool:
        # Mentions do not overlap, so their ends are sorted: the last one ending by
        # `position` is the closest.
        index = bisect_right(self.mention_ends, position) - 1
        return index >= 0 and sent_start <= self.mention_ends[index] >= position - 12

    def _nearest_person(self, mentions: Sequence[NameMention], club: _Club) -> NameMention | None:
        return _nearest(mentions, club)

    def _is_bystander(self, mention: NameMention, sent_start: int, sent_end: int) -> bool:
        p = self.pats
        back = self.folded[max(sent_start, mention.start - 45) : mention.start][::-1]
        if p.mover_before.search_reversed(back) and not p.bystander_before.search_reversed(
            back[:14]  # the last 14 characters before the mention
        ):
            return False
        if not p.bystander_before.search_reversed(back):
            after = self.folded[mention.end : min(sent_end, mention.end + 40)]
            if p.bystander_after.search(after) is None:
                return False
        # A bystander's words, unless a deal is for the person ("l'intesa per Sequeira"):
        # tested last, as most mentions are no bystander.
        return not (self.deal_for_before and p.deal_for_before.search_reversed(back))

    def _sentence_events(
        self,
        start: int,
        end: int,
        mentions: list[NameMention],
        sides: list[tuple[_Club, Side]],
    ) -> list[_Candidate]:
        movers = []
        previous: NameMention | None = None
        for mention in mentions:
            # A description ("il difensore dell'Amburgo") refers back to a mover.
            bystander = mention.start not in self.described and self._is_bystander(
                mention, start, end
            )
            if bystander and self._departs(
                mention,
                self.folded[max(start, mention.start - 80) : mention.start][::-1],
                start,
                end,
            ):
                bystander = False  # "lascia anche il vice X": one who leaves, not looks on
            if bystander or (
                previous is not None and self.folded[previous.end : mention.start] in _COORDINATION
            ):
                self.non_mover[mention.person] = self.non_mover.get(mention.person, 0) + 1
                previous = mention  # "injuries to X and Y": Y shares X's role
            else:
                movers.append(mention)
                previous = None
        if not movers:
            return []
        subject = self._subject_at(start)
        stage_cues = self.stage_cues.within(start, end)
        kind_cues = self.kind_cues.within(start, end)
        stage = _stage_from(stage_cues, self.official_default.any(start, end))
        outgoing = self.outgoing.any(start, end)
        match_report = self.match_action.any(start, end)
        # The subject club is the implicit buyer only where a stage cue says a deal is on.
        buyer_view = bool(stage_cues) and self.buyer_view.any(start, end) and not match_report
        fees = self.fees.within(start, end)
        persons_in_sentence = {m.person for m in movers}
        shared_from = [c.club_id for c, s in sides if s in ("from", "subject_seller")]
        shared_to = [c.club_id for c, s in sides if s in ("buyer", "subject_buyer")]
        counterparts = [c.club_id for c, s in sides if s == "counterpart"]
        kind_here = _kind_from(kind_cues)
        is_extension = any(c.label == "extension" for c in kind_cues)
        coach_context = self.coach_context.any(start, end)
        # No stage, kind or sale word, or words of a match or a training session and no
        # kind word ("Everton sealed the points"): only a move verb tying a person to a
        # club makes a move there ("passa al Genoa").
        loose = (match_report and not kind_cues) or not (
            stage_cues or kind_cues or outgoing or self.official_default.any(start, end)
        )
        out: list[_Candidate] = []
        for mention in movers:
            quoted = _inside(self.quotes, mention.start)
            usable = (
                [(c, s) for c, s in sides if _inside(self.quotes, c.start) == quoted]
                if self.quotes
                else sides
            )
            if quoted and not usable:
                continue
            back = self.folded[max(start, mention.start - 80) : mention.start][::-1]
            if self._departs(mention, back, start, end):
                out.append(self._departure(mention, usable, start, end, stage, coach_context))
                continue
            if (
                subject
                and self.appointed_before
                and self.pats.appointed_before.search_reversed(back)
            ):
                out.append(self._appointment(mention, subject, start, end, stage))
                continue
            own_from, own_to, strong = self._own_clubs(mention, movers, usable, start)
            from_club = own_from or (shared_from[0] if shared_from else None)
            to_club = own_to or self._shared_to(mention, movers, usable, shared_to)
            implicit_to = False
            if kind_here == "return_from_loan" and to_club is None:
                from_club, to_club = self._loan_return(mention, usable, from_club, subject)
            if counterparts:
                counterpart = counterparts[0]
                if to_club is not None and to_club == from_club and not is_extension:
                    to_club = None  # "Il Milan e l'Aston Villa..., lascerà Milanello"
                if (
                    own_to is None
                    and from_club is None
                    and self._leaves_for(mention, to_club, sides)
                ):
                    # "X is set to leave on loan, and the Gunners have agreed a deal with
                    # Ipswich": a club that sells is the subject, the other side buys.
                    from_club, to_club = to_club, None
                if to_club is None and (from_club or subject not in (None, counterpart)):
                    if from_club == counterpart and subject not in (None, counterpart):
                        to_club, implicit_to = subject, True  # both names of the seller
                    elif from_club:
                        to_club = counterpart
                    elif len(persons_in_sentence) == 1 and not quoted:
                        from_club, to_club, implicit_to = counterpart, subject, True
                elif from_club is None and counterpart != to_club:
                    from_club = counterpart
            if from_club is None and outgoing and subject and subject != to_club:
                from_club = subject
            if from_club is None:
                affiliation = self.affiliation.get(mention.person)
                if affiliation and affiliation != to_club:
                    from_club = affiliation
            if (
                to_club is None
                and buyer_view
                and (len(persons_in_sentence) == 1 or from_club is not None)
                and not outgoing
                and not quoted
                and subject
                and subject not in (from_club, self.affiliation.get(mention.person))
            ):
                to_club, implicit_to = subject, True
            if to_club is not None and to_club == from_club and not is_extension:
                continue
            if loose and not strong:
                continue
            kind = kind_here
            role = self._role_of(mention, coach_context)
            if kind == "extension":
                to_club = to_club or from_club or self.affiliation.get(mention.person) or subject
                from_club = to_club
            if to_club is None:
                if not (
                    self.departure_verb.any(start, end)
                    and len(persons_in_sentence) == 1
                    and role != "player"
                ):
                    continue
                kind = "departure"
            elif role in ("coach", "executive") and kind in ("unknown", "departure", "permanent"):
                kind = "appointment"
            fee = self._fee_for(mention, fees, start, len(persons_in_sentence))
            confidence = _confidence(
                tied_to=own_to is not None,
                implicit_to=implicit_to,
                both_clubs=from_club is not None and to_club is not None,
                stage=stage if stage_cues else None,
                role_cue=mention.person in self.roles,
            )
            out.append(
                _Candidate(
                    person=mention.person,
                    start=mention.start,
                    role=role,
                    from_club=from_club,
                    to_club=to_club,
                    kind=kind,
                    stage=stage,
                    fee_eur=fee,
                    evidence=self._evidence(start, end, mention),
                    confidence=confidence,
                    strong=strong,
                    implicit_to=implicit_to,
                    described=mention.start in self.described,
                )
            )
            if own_to is None and not implicit_to and to_club is not None and len(sides) > 1:
                for other in self._coordinated_buyers(usable).get(to_club, []):
                    if other != to_club and other != from_club:
                        twin = out[-1]
                        out.append(
                            _Candidate(
                                person=twin.person,
                                start=twin.start,
                                role=twin.role,
                                from_club=twin.from_club,
                                to_club=other,
                                kind=twin.kind,
                                stage=twin.stage,
                                fee_eur=twin.fee_eur,
                                evidence=twin.evidence,
                                confidence=twin.confidence,
                                strong=twin.strong,
                                described=twin.described,
                            )
                        )
        return out

    def _leaves_for(
        self, mention: NameMention, club_id: str | None, sides: list[tuple[_Club, Side]]
    ) -> bool:
        """Whether a club taken as buyer because it is a grammatical subject comes after a
        leaving word tied to the person ("X is set to leave, and the Gunners...")."""
        club = next(
            (c for c, side in sides if side == "subject_buyer" and c.club_id == club_id), None
        )
        return (
            club is not None
            and club.start > mention.end
            and self.outgoing.any(mention.end, club.start)
        )

    def _loan_return(
        self,
        mention: NameMention,
        sides: list[tuple[_Club, Side]],
        from_club: str | None,
        subject: str | None,
    ) -> tuple[str | None, str | None]:
        """A loan cut short goes back to the club that owns the player ("di proprietà
        del Bologna", else the passage's subject), from the club he was lent to."""
        # The owner ("di proprietà del Bologna"), else the club that recalls him
        # ("Coventry have recalled X from his loan at Bolton").
        owner = next((c.club_id for c, side in sides if side == "owner"), None) or next(
            (c.club_id for c, side in sides if side in ("subject_buyer", "subject_seller")), None
        )
        parent = owner or self.affiliation.get(mention.person) or subject
        lent_to = next(
            (c.club_id for c, side in sides if side == "from" and c.club_id != parent), None
        )
        if parent is None or parent == (lent_to or from_club):
            return from_club, None
        return lent_to or (from_club if from_club != parent else None), parent

    def _role_of(self, mention: NameMention, coach_context: bool) -> Role:
        role = self.roles.get(mention.person, "player")
        if role == "player" and coach_context and self._coach_like(mention):
            return "coach"
        return role

    def _departs(self, mention: NameMention, back: str, start: int, end: int) -> bool:
        """Whether the sentence has the person sacked or released ("esonerato Rubini");
        `back` is the sentence's text before the name, reversed."""
        if not self.departed_cue.any(start, end):
            return False  # most sentences: no word of either pattern
        p = self.pats
        if p.departed_before.search_reversed(back):
            return True
        after_end = min(end, mention.end + 60)
        return p.departed_after.search(self.folded, mention.end, after_end) is not None

    def _appointment(
        self, mention: NameMention, club: str, start: int, end: int, stage: Stage
    ) -> _Candidate:
        """The coach a club hands its team to ("ha affidato la squadra a X", "la panchina
        va a X"): an appointment by the passage's club."""
        return _Candidate(
            person=mention.person,
            start=mention.start,
            role="coach",
            from_club=self.affiliation.get(mention.person),
            to_club=club,
            kind="appointment",
            stage=stage,
            fee_eur=None,
            evidence=self._evidence(start, end, mention),
            confidence=_confidence(
                tied_to=True,
                implicit_to=False,
                both_clubs=False,
                stage=stage if stage != "rumour" else None,
                role_cue=True,
            ),
            strong=True,
        )

    def _departure(
        self,
        mention: NameMention,
        sides: list[tuple[_Club, Side]],
        start: int,
        end: int,
        stage: Stage,
        coach_context: bool,
    ) -> _Candidate:
        """A departure with no destination, from the club that lets the person go: the
        nearest club before the name that is no buyer, else the first after it, else
        the section's subject."""
        leaving = [c for c, side in sides if side not in ("to", "buyer")]
        before = [c for c in leaving if c.end <= mention.start]
        after = [c for c in leaving if c.start >= mention.end]
        club = before[-1] if before else after[0] if after else None
        from_club = club.club_id if club else self._subject_at(start)
        if from_club is None:
            from_club = self.affiliation.get(mention.person)
        return _Candidate(
            person=mention.person,
            start=mention.start,
            role=self._role_of(mention, coach_context),
            from_club=from_club,
            to_club=None,
            kind="departure",
            stage=stage if stage in ("collapsed", "denied") else "official",
            fee_eur=None,
            evidence=self._evidence(start, end, mention),
            confidence=0.8 if from_club else 0.5,
            strong=True,
            departed=True,
        )

    def _carry_stage(self, previous: list[_Candidate], person: int, start: int, end: int) -> None:
        """A sentence that describes the person right after his move to the passage's club
        and names no club ("The 25-year-old has passed his medical") takes it further."""
        stage = _stage_from(self.stage_cues.within(start, end), False)
        subject = self._subject_at(start)
        for candidate in previous:
            if candidate.person != person or candidate.to_club != subject or subject is None:
                continue
            ended = stage in ("denied", "collapsed")
            further = _PROGRESS.get(stage, 0) > _PROGRESS.get(candidate.stage, 0)
            if ended or (further and candidate.stage not in ("denied", "collapsed")):
                candidate.stage = stage

    def _carry_kind(self, previous: list[_Candidate], start: int, end: int) -> None:
        """A nameless sentence right after a move spells out its formula ("la formula:
        prestito con diritto di riscatto"): its kind fills or refines the move's."""
        kind = _kind_from(self.kind_cues.within(start, end))
        if kind not in ("loan_with_obligation", "loan_with_option", "loan", "free"):
            return
        for candidate in previous:
            if candidate.kind == "unknown" or (
                candidate.kind == "loan" and kind.startswith("loan_with")
            ):
                candidate.kind = kind

    def _carry_fee(self, previous: list[_Candidate], start: int, end: int) -> None:
        """A nameless sentence right after one person's move, up to the next paragraph's
        first, gives its price ("La proposta rossonera è di 20 milioni più 3 di bonus")."""
        if not self.fees.any(start, end) or len({c.person for c in previous}) != 1:
            return
        fee = next((f for f in self.fees.within(start, end) if f.kind not in _NOT_A_PRICE), None)
        if fee is None:
            return
        for candidate in previous:
            if candidate.fee_eur is None and candidate.to_club is not None:
                candidate.fee_eur = float(fee.amount_eur)

    def _coach_like(self, mention: NameMention) -> bool:
        """Whether a coach word sits within a few words of the mention."""
        return self.coach_context.any(mention.start - 45, mention.start) or self.coach_context.any(
            mention.end, mention.end + 45
        )

    def _own_clubs(
        self,
        mention: NameMention,
        movers: list[NameMention],
        sides: list[tuple[_Club, Side]],
        sent_start: int,
    ) -> tuple[str | None, str | None, bool]:
        own_from = own_to = None
        strong = False
        for club, side in sides:
            nearest = self._nearest_mover(movers, club)
            if nearest is None or nearest.person != mention.person:
                continue
            gap = (
                club.start - mention.end if club.start >= mention.end else mention.start - club.end
            )
            if side == "owner" and own_from is None:
                own_from = club.club_id
                strong = strong or gap <= _STRONG_GAP * 3
            elif side == "from" and own_from is None and club.start >= mention.end:
                own_from = club.club_id
                strong = strong or gap <= _STRONG_GAP
            elif side == "to" and own_to is None and club.start >= mention.end:
                own_to = club.club_id
                strong = strong or gap <= _STRONG_GAP
        return own_from, own_to, strong

    def _nearest_mover(self, movers: list[NameMention], club: _Club) -> NameMention | None:
        return _nearest(movers, club)

    def _shared_to(
        self,
        mention: NameMention,
        movers: list[NameMention],
        sides: list[tuple[_Club, Side]],
        shared_to: list[str],
    ) -> str | None:
        """A destination later in the sentence, unless another mover's name sits in
        between ("signs X as Y heads to Hull": Hull is Y's)."""
        after = [c for c, s in sides if s == "to" and c.start >= mention.end]
        if after:
            club = after[0]
            if not any(mention.end <= m.start < club.start for m in movers):
                return club.club_id
        if len(shared_to) > 1:
            # Buyers named together right before the person, with no other mover between
            # ("il Toro stringe per X, Genoa e Verona su Y": Y's buyers are Genoa and Verona).
            before = [c for c, s in sides if s in _BUYER_SIDES and c.end <= mention.start]
            if before:
                club = before[-1]
                group = self._coordinated_buyers(sides).get(club.club_id)
                if group and not any(club.end <= m.start < mention.start for m in movers):
                    return group[0]
        if shared_to:
            return shared_to[0]
        return None

    def _fee_for(
        self, mention: NameMention, fees: list[Fee], sent_start: int, people: int
    ) -> float | None:
        for fee in fees:
            if fee.kind in _NOT_A_PRICE:
                continue
            position = fee.start
            between = self.folded[min(position, mention.end) : max(position, mention.start)]
            if people > 1 and self.pats.clause_break.search(between):
                continue
            if len(between) > 160:
                continue
            return float(fee.amount_eur)
        return None

    def _evidence(self, start: int, end: int, mention: NameMention) -> tuple[int, int]:
        """The sentence's span, or up to 150 characters either side of the name in a
        long one, without surrounding blanks."""
        if end - start > 300:
            start, end = max(start, mention.start - 150), min(end, mention.end + 150)
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end

    # --- merging -------------------------------------------------------------------

    def _merge(self, candidates: list[_Candidate]) -> list[Mention]:
        mover_count: dict[int, int] = {}
        for candidate in candidates:
            mover_count[candidate.person] = mover_count.get(candidate.person, 0) + 1
        named_to = {(c.person, c.to_club) for c in candidates if not c.described}
        named_from = {(c.person, c.from_club) for c in candidates if not c.described}
        # A move the other way round that no verb or description states ("Milan, accordo
        # con l'Aston Villa per X" read as a purchase) yields to one stated elsewhere.
        stated = {(c.person, c.from_club, c.to_club) for c in candidates if not c.implicit_to}
        kept = [
            c
            for c in candidates
            if (c.strong or self.non_mover.get(c.person, 0) <= mover_count.get(c.person, 0))
            # A description adds no destination guessed from the subject club.
            and not (c.described and c.implicit_to and (c.person, c.to_club) not in named_to)
            # Nor the club he is leaving ("Il Cesena ha ribadito: il giocatore non si muove").
            and not (c.described and (c.person, c.to_club) in named_from)
            and not (
                c.implicit_to
                and c.to_club != c.from_club
                and (c.person, c.to_club, c.from_club) in stated
            )
        ]
        by_person: dict[int, list[_Candidate]] = defaultdict(list)
        for candidate in kept:
            by_person[candidate.person].append(candidate)
        events: list[tuple[int, Mention]] = []
        for person, group in by_person.items():
            left = {c.from_club for c in group if c.departed}
            # A club that let the person go is not where they are going.
            group = [c for c in group if c.departed or c.to_club not in left]
            with_to = [c for c in group if c.to_club]
            if with_to:
                explicit = [c for c in with_to if not c.implicit_to]
                if explicit:
                    explicit_to = {c.to_club for c in explicit}
                    with_to = [
                        c
                        for c in with_to
                        if c.to_club in explicit_to or c.from_club not in explicit_to
                    ]
                group = with_to + [c for c in group if c.departed]
            by_destination: dict[str | None, list[_Candidate]] = defaultdict(list)
            for candidate in group:
                by_destination[candidate.to_club].append(candidate)
            for destination, same in by_destination.items():
                events.append((same[0].start, self._combine(person, destination, same, group)))
        events.sort(key=lambda item: item[0])
        return [event for _, event in events]

    def _combine(
        self, person: int, destination: str | None, same: list[_Candidate], group: list[_Candidate]
    ) -> Mention:
        best = max(same, key=lambda c: (c.strong, not c.implicit_to, c.confidence, -c.start))
        from_club = best.from_club or next((c.from_club for c in same if c.from_club), None)
        if from_club is None:
            # Another sentence's origin, unless it belongs to a move elsewhere (an
            # earlier transfer: "era arrivato a Zingonia dal Copenaghen").
            from_club = next(
                (
                    c.from_club
                    for c in group
                    if c.from_club
                    and c.from_club != destination
                    and c.to_club in (None, destination)
                ),
                None,
            )
        stages = {c.stage for c in same}
        stage: Stage
        if "denied" in stages:
            stage = "denied"
        elif "collapsed" in stages:
            stage = "collapsed"
        else:
            stage = max(stages, key=lambda s: _PROGRESS.get(s, 0))
        # What a sentence naming the person says comes before what a description adds.
        named = [c for c in same if not c.described] + [c for c in same if c.described]
        kinds = [c.kind for c in named if c.kind != "unknown"]
        if kinds and not named[0].described:
            kinds = [c.kind for c in named if c.kind != "unknown" and not c.described] or kinds
        kind: Kind = min(kinds, key=_KIND_PRIORITY.index) if kinds else "unknown"
        fee = next((c.fee_eur for c in named if c.fee_eur is not None), None)
        roles = {c.role for c in same}
        role: Role = (
            "coach" if "coach" in roles else "executive" if "executive" in roles else "player"
        )
        if (
            kind == "unknown"
            and destination
            and role == "player"
            and (
                stage in ("agreed", "medical", "official")
                or (fee is not None and stage in ("talks", "collapsed"))
            )
        ):
            kind = "permanent"  # a settled (or priced) move with no loan or free-agent word
        confidence = min(0.95, max(c.confidence for c in same) + 0.05 * (len(same) - 1))
        name = self.gaz.canonical_name
        return Mention(
            person=self.people.names[person],
            role=role,
            from_club=name(from_club)
            if (from_club and from_club != destination) or (from_club and kind == "extension")
            else None,
            to_club=name(destination) if destination else None,
            kind=kind,
            stage=stage,
            fee_eur=fee,
            evidence=self.text[best.evidence[0] : best.evidence[1]],
            evidence_start=best.evidence[0],
            evidence_end=best.evidence[1],
            confidence=round(confidence, 2),
            extras={"sentences": len(same)},
        )


@dataclass(frozen=True, slots=True)
class _SentenceTables:
    outgoing: CueTable
    buyer_perspective: CueTable
    official_default: CueTable
    coach_context: CueTable
    departure_verb: CueTable
    match_action: CueTable
    departed_cue: CueTable


@cache
def _sentence_tables(lang: str) -> _SentenceTables:
    pats = patterns_for(lang)
    assert pats is not None
    return _SentenceTables(
        *(
            CueTable({name: list(getattr(pats, name))})
            for name in (
                "outgoing",
                "buyer_perspective",
                "official_default",
                "coach_context",
                "departure_verb",
                "match_action",
                "departed_cue",
            )
        )
    )


@cache
def _cue_set(lang: str, lex: Lexicon) -> CueSet:
    """Every cue table of a language in one automaton (one pass per article)."""
    tables = _sentence_tables(lang)
    return CueSet(
        [
            lex.stage,
            lex.kind,
            lex.role,
            tables.outgoing,
            tables.buyer_perspective,
            tables.official_default,
            tables.coach_context,
            tables.departure_verb,
            tables.match_action,
            tables.departed_cue,
        ]
    )


class _Positions(Generic[T]):
    """Items with a `start`, sorted, sliced by character range in O(log n)."""

    def __init__(self, items: Sequence[T]) -> None:
        self.items = list(items)
        self.starts = [item.start for item in self.items]  # type: ignore[attr-defined]

    def within(self, start: int, end: int) -> list[T]:
        return self.items[bisect_left(self.starts, start) : bisect_left(self.starts, end)]

    def any(self, start: int, end: int) -> bool:
        index = bisect_left(self.starts, start)
        return index < len(self.starts) and self.starts[index] < end

    def first(self, start: int, end: int) -> T | None:
        """The first item starting in [start, end), if any."""
        index = bisect_left(self.starts, start)
        return self.items[index] if index < len(self.starts) and self.starts[index] < end else None

    def last(self, start: int, end: int) -> T | None:
        """The last item starting in [start, end), if any."""
        index = bisect_left(self.starts, end) - 1
        return self.items[index] if index >= 0 and self.starts[index] >= start else None


def _clauses(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences cut where a new clause starts: at semicolons ("West Ham agree to send
    X to Fiorentina; Fulham deny Roma contact over Y") and at "as"/"while" before a
    capital ("Brighton hand X new deal as Chelsea circle Y"): each reports its own
    move with its own stage."""
    cuts = _clause_cuts(text)
    if not cuts:
        return sentences
    out: list[tuple[int, int]] = []
    for start, end in sentences:
        for cut_start, cut_end in cuts[bisect_left(cuts, (start, 0)) :]:
            if cut_start >= end:
                break
            if cut_start - start >= _MIN_CLAUSE and end - cut_start >= _MIN_CLAUSE:
                out.append((start, cut_start))
                start = cut_end
        out.append((start, end))
    return out


def _clause_cuts(text: str) -> list[tuple[int, int]]:
    """Spans of "; " and of " as "/" while "/" whilst " before a capital, sorted
    (found with str.find: a regex alternation scans the text several times slower)."""
    cuts: list[tuple[int, int]] = []
    for marker in _CLAUSE_MARKERS:
        position = text.find(marker)
        while position >= 0:
            after = position + len(marker)
            if marker == "; " or text[after : after + 1].isupper():
                cuts.append((position, after))
            position = text.find(marker, after)
    cuts.sort()
    return cuts


_PREPOSITIONS = frozenset(
    [
        "di",
        "a",
        "ad",
        "da",
        "in",
        "con",
        "su",
        "per",
        "tra",
        "fra",
        "of",
        "to",
        "from",
        "with",
        "at",
        "by",
        "into",
        "for",
        "al",
        "allo",
        "alla",
        "all'",
        "ai",
        "agli",
        "alle",
        "del",
        "dello",
        "della",
        "dell'",
        "dei",
        "degli",
        "delle",
        "dal",
        "dallo",
        "dalla",
        "dall'",
        "dai",
        "dagli",
        "dalle",
        "nel",
        "nello",
        "nella",
        "nell'",
        "nei",
        "negli",
        "nelle",
        "col",
        "coi",
        "sul",
        "sullo",
        "sulla",
        "sull'",
        "sui",
        "sugli",
        "sulle",
    ]
)


def _ends_with_preposition(before: str) -> bool:
    """Whether the last word before a club is a preposition ("alla Juventus" is no
    subject; "La Sampdoria" is: its article ends in "a" but is no preposition)."""
    words = before.split()
    if not words:
        return False
    last = words[-1]
    if last in _PREPOSITIONS:
        return True
    # An elided article stuck to a preposition ("dell'Inter"): its head.
    return "'" in last and last[: last.index("'") + 1] in _PREPOSITIONS


def _vote(counts: dict[Role, int], role: Role) -> None:
    counts[role] = counts.get(role, 0) + 1


K = TypeVar("K")


def _highest(counts: dict[K, int], n: int) -> list[tuple[K, int]]:
    """The `n` highest counts, ties in insertion order: `Counter.most_common(n)`, for a
    plain dict (several of these per article; a Counter costs more to build)."""
    return sorted(counts.items(), key=itemgetter(1), reverse=True)[:n]


def _index_of(bounds: list[int], position: int) -> int:
    """Index of the last bound at or before `position` (0 if none is)."""
    return max(0, bisect_right(bounds, position) - 1)


def _last_break(p: LanguagePatterns, before: str) -> int | None:
    last = None
    for match in p.clause_break.finditer(before):
        last = match.start()
    return last


def _confidence(
    *, tied_to: bool, implicit_to: bool, both_clubs: bool, stage: Stage | None, role_cue: bool
) -> float:
    """How sure one sentence makes a move: a destination tied to the person by a move
    word, both ends named, an explicit stage cue (more for a settled one) and a role
    word raise it; a buyer guessed from the article's subject lowers it."""
    score = 0.4
    score += 0.2 if tied_to else 0.0
    score += 0.1 if both_clubs else 0.0
    if stage is not None:
        score += 0.15 if stage in ("agreed", "medical", "official") else 0.1
    score += 0.05 if role_cue else 0.0
    score -= 0.1 if implicit_to else 0.0
    return round(min(0.95, max(0.05, score)), 2)


def _stage_from(cues: Sequence[Cue], official_default: bool) -> Stage:
    if not cues:  # most sentences
        return "official" if official_default else "rumour"
    labels = {cue.label for cue in cues}
    if "denied" in labels:
        return "denied"
    if "collapsed" in labels:
        return "collapsed"
    progress = [stage for stage in STAGES if stage in labels and stage in _PROGRESS]
    if progress:
        return progress[-1]
    return "official" if official_default else "rumour"


def _kind_from(cues: Sequence[Cue]) -> Kind:
    if not cues:  # most sentences
        return "unknown"
    labels = {cue.label for cue in cues}
    for kind in _KIND_PRIORITY:
        if kind in labels:
            if kind == "loan_with_obligation" and not labels & {"loan", "loan_with_option"}:
                continue
            return kind
    return "unknown"


_CLAUSE_MARKERS = ("; ", " as ", " while ", " whilst ")
_QUOTE = re.compile(r'"[^"\n]*"')
_DIGIT = re.compile(r"\d")


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech (straight quotes, after normalisation)."""
    return [(m.start(), m.end() - 1) for m in _QUOTE.finditer(text)] if '"' in text else []


_NEVER = r"(?!x)x"  # nlp.patterns' pattern for a rule a language does without
_DESCRIBING = frozenset(["player", "coach", "described"])
_AND = (" and ", " e l'", " e il ", " e la ", " e lo ", " e ", " ed ")
_BUYER_SIDES = ("buyer", "subject_buyer")
_JOINTS = frozenset([" and ", " e ", " ed ", ", ", " e l'", " e il ", " e la ", " or ", " o "])
_OPENING_ARTICLES = frozenset(["", "il", "la", "lo", "l'", "i", "the"])


def _never(pattern: re.Pattern[str]) -> bool:
    return pattern.pattern == _NEVER


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    # A loop, not any(...): compiled by mypyc, a generator is an object per call.
    for start, end in spans:  # noqa: SIM110
        if start < position < end:
            return True
    return False


def _nearest(mentions: Sequence[NameMention], club: _Club) -> NameMention | None:
    """The last mention ending before the club, else the first starting after it (one
    pass, no lists: called for every club and mover of a sentence)."""
    before: NameMention | None = None
    after: NameMention | None = None
    for mention in mentions:
        if mention.end <= club.start:
            before = mention
        elif after is None and mention.start >= club.end:
            after = mention
    return before if before is not None else after


__all__ = ["Extractor", "ExtractorSettings"]
