"""Word patterns around club and person mentions, per language.

They decide which side of a move a club is on ("dal Torino" = origin, "alla
Juventus" = destination, "l'interessamento del Bologna" = buyer) and whether
a named person is the one moving or a bystander (a quoted director, the coach
whose squad it is, an agent). All run on accent-folded lowercase text.
Patterns ending in `$` are matched against the text just before a mention
(as `TailPattern`s, backwards: see nlp.tailpattern); patterns starting with
`^` against the text just after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, get_origin, get_type_hints

from nlp.tailpattern import TailPattern

_ART_IT = r"(?:il|lo|la|l'|i|gli|le)\s*"


def _phrases(pattern: str) -> tuple[str, ...]:
    """Phrases of a `\\b(?:a|b|c\\w*)\\b` word list, as cue-table entries ("c*")."""
    body = pattern.removeprefix(r"\b(?:").removesuffix(r")\b")
    return tuple(item.replace(r"\w*", "*").replace(r"\w+", "*") for item in body.split("|"))


def _words(words: str) -> str:
    return "|".join(re.escape(w) for w in sorted(words.split("|"), key=len, reverse=True))


_NEVER = TailPattern(r"(?!x)x")


@dataclass(frozen=True, slots=True)
class LanguagePatterns:
    """Compiled patterns for one language (see module docstring)."""

    # Club slots, tested on the text before a club.
    buyer_before: TailPattern
    from_before: TailPattern
    to_before: TailPattern
    owner_before: TailPattern
    genitive_before: TailPattern
    counterpart_before: TailPattern
    former_before: TailPattern
    city_to_before: TailPattern
    # Tested on the text after a club.
    owner_after: re.Pattern[str]
    buyer_after: re.Pattern[str]
    subject_verb_after: re.Pattern[str]
    seller_verb_after: re.Pattern[str]
    # Person mentions.
    bystander_before: TailPattern
    bystander_after: re.Pattern[str]
    mover_before: TailPattern
    # Sentence-level cues.
    outgoing: tuple[str, ...]
    stale_clause: re.Pattern[str]
    clause_break: re.Pattern[str]
    coach_context: tuple[str, ...]
    departure_verb: tuple[str, ...]
    buyer_perspective: tuple[str, ...]
    official_default: tuple[str, ...]
    negation: re.Pattern[str]
    # Match reports ("went ahead in the 14th minute"): no implicit buyer there.
    match_action: tuple[str, ...] = ()
    # A deal noun then "per"/"for" right before a person: the one being bought.
    deal_for_before: TailPattern = _NEVER
    # The person as the one sacked or released ("esonerato Rubini", "Rubini was
    # sacked"): a departure from the club that lets him go, with no destination.
    departed_before: TailPattern = _NEVER
    departed_after: re.Pattern[str] = re.compile(r"(?!x)x")
    # The person handed a team ("ha affidato la squadra a X"): the subject club's coach.
    appointed_before: TailPattern = _NEVER
    # Money going to a club: it is the one selling.
    paid_after: re.Pattern[str] = re.compile(r"(?!x)x")
    # Words without which neither `departed_before` nor `departed_after` can match: a
    # sentence with none of them is not searched.
    departed_cue: tuple[str, ...] = ()
    # A town or training ground the person leaves ("che lascerà Milanello").
    city_from_before: TailPattern = _NEVER
    # What comes before a role word that describes a person instead of naming him
    # ("il difensore dell'Amburgo", "the 22-year-old Dutchman").
    epithet_before: TailPattern = _NEVER


_BUYER_NOUNS_IT = _words(
    "interessamento|interesse|mirino|obiettivo|sondaggio|sondaggi|offerta|offerte|pressing|"
    "proposta|corte|attenzioni|radar|richiesta|tentativo|assalto|idea|piani|priorita|"
    "dirigenza|ds|direttore sportivo|pista|rilancio|accelerata|affondo|mosse|visite mediche|"
    "nuovo acquisto|nuovo giocatore|nuovo allenatore|nuovo tecnico|panchina|nel mirino"
)
_DEMONYMS_EN = _words(
    "argentine|argentinian|brazilian|french|spanish|portuguese|dutch|belgian|german|danish|"
    "swedish|norwegian|croatian|serbian|polish|nigerian|senegalese|moroccan|ivorian|"
    "ghanaian|swiss|austrian|uruguayan|colombian|greek|turkish|english|scottish|welsh|irish|"
    "cameroonian|algerian|tunisian|ukrainian|georgian|czech|slovakian|slovenian|hungarian|"
    "romanian|american|mexican|japanese|korean|finnish|icelandic|ecuadorian|chilean|"
    "paraguayan|peruvian|venezuelan|malian|guinean|gambian|congolese|bosnian|albanian|"
    "italian|egyptian|australian|canadian|jamaican"
)
_BUYER_NOUNS_EN = _words(
    "interest|bid|offer|approach|enquiry|inquiry|pursuit|move|talks|proposal|advances|attempt|"
    "target|medical|competition"
)
_ROLE_WORDS_EN = _words(
    "striker|forward|midfielder|defender|goalkeeper|keeper|winger|full-back|centre-back|"
    "center-back|playmaker|youngster|player|star|captain|manager|boss|coach|head coach|"
    "attacker|left-back|right-back|wing-back|teenager|academy graduate|loanee|sporting director|"
    "director|midfield|defensive|central|academy|prospect|international|veteran|forward"
)


# A comma, or a short aside between commas, between a club and its verb
# ("Fulham, meanwhile, have denied").
_ASIDE = r",\s*(?:\w+\s+){0,2}\w+,\s*|,\s*"


def _compile(**sources: str) -> LanguagePatterns:
    """A language's patterns from their sources, each built as its field's type says
    (the `_before` ones as `TailPattern`s, the sentence-level cue lists as phrases)."""
    types = get_type_hints(LanguagePatterns)
    built: dict[str, Any] = {}
    for name, source in sources.items():
        if types[name] is TailPattern:
            built[name] = TailPattern(source)
        # Compiled by mypyc, the class records `tuple` for `tuple[str, ...]`.
        elif types[name] is tuple or get_origin(types[name]) is tuple:
            built[name] = _phrases(source)
        else:
            built[name] = re.compile(source)
    return LanguagePatterns(**built)


@cache
def patterns_for(lang: str) -> LanguagePatterns | None:
    """Compiled patterns for `lang` ("it" or "en"), else None."""
    if lang == "it":
        return _italian()
    if lang == "en":
        return _english()
    return None


def _italian() -> LanguagePatterns:
    gen = r"(?:del|dello|della|dell'|dei|degli|delle|di)\s*$"
    return _compile(
        buyer_before=(
            r"(?:\b(?:" + _BUYER_NOUNS_IT + r")(?:\s+\w+){0,3}\s+" + gen + r")"
            r"|\b(?:piace|piacciono|piaceva|interessa|interessano|serve|servirebbe|gradito|"
            r"vicino|vicinissimo|vicina|promesso|destinato|ad un passo|a un passo|un passo|"
            r"proposto|offerto|"
            r"in orbita)\s+(?:anche\s+)?(?:al|alla|allo|all'|ai|agli|alle|a)\s*$"
            r"|\b(?:per|dal|dalla|dall'|da)\s+(?:parte\s+)?(?:del|della|dello|dell')\s*$"
        ),
        from_before=(
            r"(?:\b(?:lascia|lasciare|lascera|lasciato|lasciando|saluta|salutare|salutato|"
            r"saluterebbe|liberato|liberarsi|svincolato|svincolarsi)\s+" + _ART_IT + r"$"
            r"|\b(?:addio|arrivederci)\s+(?:al|alla|allo|all'|ai)\s*$"
            r"|\b(?:via|uscita|fuga|partenza|rientro|rientra|torna|tornare|prelevato|prelevata|"
            r"arriva|arrivare|arrivato|arrivata|arriverebbe|giunto|preso|acquistato|riscattato|"
            r"ingaggiato|prestito|esonerato|esonerata)\s+(?:\w+\s+){0,2}"
            r"(?:dal|dalla|dallo|dall'|dai|dagli|da)\s*$"
            r"|(?:^|[\s,(])(?:dal|dalla|dallo|dall'|dai|dagli)\s*$"
            # A loan cut short: the club he was lent to is the one he leaves.
            r"|\b(?:interrompe|interrotto|interrompere|interrompono|richiamato|richiama|"
            r"richiamare)\s+(?:\w+\s+){0,3}(?:il\s+|dal\s+)?prestito\s+"
            r"(?:(?:di|del|dello|dell')\s*\w+\s+(?:\w+\s+)?)?"
            r"(?:al|alla|allo|all'|ai|agli|a|in)\s*$)"
        ),
        to_before=(
            r"(?:\b(?:passa|passare|passato|passaggio|approda|approdare|approdato|approdo|"
            r"trasferisce|trasferirsi|trasferito|trasferimento|arriva|arrivare|arrivo|arrivato|"
            r"vola|volare|ritorno|torna|tornare|tornato|rientro|rientra|cessione|ceduto|ceduta|"
            r"cedere|cede|cedendo|prestato|girato|destinazione|direzione|sbarca|firmare|firma|"
            r"firmato|vestira|vestire|va|andare|andra|trasloco|sposa|sposare|trasferira|"
            r"accasarsi|accasato|accasa|ufficiale|ufficialmente|visite mediche|vicino|vicinissimo|"
            r"verso)\s+(?:\w+\s+){0,4}"
            r"(?:al|alla|allo|all'|ai|agli|alle|a|ad|con|per|verso\s+" + _ART_IT + r"|verso|"
            r"in)\s*$"
            r"|\b(?:verso|destinazione|direzione)\s+" + _ART_IT + r"$"
            r"|\bin direzione\s+(?:\w+\s+)?$"
            r"|\b(?:al|alla|allo|all'|ai|agli)\s*$)"
        ),
        owner_before=(
            r"(?:\b(?:di proprieta|in forza|cartellino|capitano|bandiera|guida|panchina|"
            r"allenatore|tecnico|mister|giocatore|calciatore|difensore|attaccante|centrocampista|"
            r"portiere|terzino|esterno|centrale|trequartista|regista|mediano|punta|centravanti|"
            r"ala|talento|gioiello|laterale|bomber|numero uno|gioiellino|classe \d{4}|"
            r"classe '?\d\d|ds|direttore sportivo|vice|contratto|titolare|perno|pilastro|uomo|"
            r"danese|francese|croato|brasiliano|argentino|spagnolo|olandese|belga|tedesco|"
            r"inglese|portoghese|serbo|svedese|norvegese|nigeriano|senegalese|marocchino|"
            r"ivoriano|ghanese|polacco|turco|greco|svizzero|austriaco|americano|uruguaiano|"
            r"colombiano|ecuadoriano|messicano|giapponese|coreano|italiano|"
            r"\w+ (?:gol|presenze)) ?(?:\w+\s+){0,2}" + gen + r""
            r"|\b(?:in forza|in prestito)\s+(?:al|alla|allo|all'|ai)\s*$"
            r"|\b(?:contratto|legato|vincolato)\s+(?:\w+\s+){0,2}(?:con)\s+" + _ART_IT + r"$)"
        ),
        genitive_before=r"\b" + gen,
        counterpart_before=(
            r"\b(?:contatti|contatto|trattativa|trattative|accordo|intesa|incontro|incontri|"
            r"colloqui|colloquio|dialogo|summit|vertice|affare|trattare|trattando|tratta|negozia|"
            r"sondaggio|sondaggi|"
            r"negoziato|negoziazione|distanza|base|scambio|distanze|telefonata|discorsi|"
            r"filo diretto|fumata bianca|fumata nera)"
            r"(?:\s+\w+){0,4}\s+(?:con|col)\s*" + _ART_IT.replace(r"\s*", "") + r"?\s*$"
            # An offer is made to the club that sells: "offerta all'Eintracht per X".
            r"|\b(?:offerta|offerte|proposta|proposte|rilancio|controproposta|informazioni)\s+"
            r"(?:\w+\s+){0,3}(?:al|alla|allo|all'|ai|agli|alle)\s*$"
        ),
        former_before=(
            r"\b(?:ex|l'ex|gia|un passato|il passato|trascorsi|cresciuto|cresciuta|vivaio|"
            r"giovanili|primavera|contro|sfida|derby|battuto|battere|vittoria|"
            r"sconfitta|pareggio|partita|gara|match|segnato|gol)\s+"
            r"(?:\w+\s+){0,1}(?:(?:del|della|dell'|al|alla|all'|il|la|l'|col|con il|"
            r"contro il|contro la|nel|nella|nell')\s*)?$"
        ),
        city_from_before=(
            r"\b(?:lascia|lasciare|lascera|lasciato|lasciando|saluta|salutare|salutato|"
            r"saluterebbe|lascerebbe)\s+(?:" + _ART_IT + r")?$"
        ),
        # A town or training ground is a destination only after a verb of arriving.
        city_to_before=(
            r"\b(?:arriva|arrivato|arrivata|arrivera|atteso|attesa|vola|volato|volera|"
            r"sbarca|sbarcato|approda|approdato|trasferisce|trasferito|trasferira|torna|"
            r"tornato|tornare|tornera|va|andra|andare|passa|passare|sposta|spostarsi|ritorno|"
            r"arrivo|approdo|trasferimento|passaggio)\s+"
            r"(?:\w+\s+){0,3}(?:a|ad|in)\s+$"
        ),
        owner_after=r"(?!x)x",
        buyer_after=(
            # "la Juve per Rossi", not "dallo Young Boys per 4 milioni" (a fee).
            r"^\s+(?:su|per(?!\s+(?:circa\s+|oltre\s+|quasi\s+)?\d)|punta|pensa|vuole|"
            r"fa sul serio|ci prova|insiste|"
            r"accelera|tenta|tratta|cerca)\b"
        ),
        subject_verb_after=(
            r"^\s*(?:" + _ASIDE + r")?(?:che\s+)?"
            r"(?:ha|hanno|sta|stanno|e|punta|puntano|vuole|vogliono|fanno|stringe|stringono|"
            r"accelerano|guardano|guarda|pensano|aveva|avevano|"
            r"pensa|pensano|segue|seguono|cede|cedera|vende|ci prova|ci pensa|avrebbe|"
            r"avrebbero|potrebbe|dovra|deve|valuta|ha chiuso|chiude|accelera|tenta|insiste|"
            r"prova|lavora|tratta|ufficializza|annuncia|comunica|rinnova|blinda|prolunga|"
            r"accoglie|abbraccia|sogna|cerca|ha deciso|prepara|piazza|mette|offre|presenta|"
            r"ingaggia|prende|acquista|sonda|sondato|osserva|monitora|riscatta|esercita|"
            r"batte|mette|fa|affonda|ha presentato|ha offerto|ha messo|ha avviato|ha trovato|"
            r"ha raggiunto|ha ceduto|ha individuato|ha scelto|sceglie|incassa|saluta|libera|"
            r"smentisce|smentiscono|ha smentito|hanno smentito|"
            r"non|gia|infatti|intanto|invece|starebbe|sarebbe|e pronto|e pronta|torna|ritorna|"
            r"avanza|spinge|rilancia|attende|aspetta|chiede|chiedono|vorrebbe|vorrebbero)\b"
        ),
        seller_verb_after=(
            r"^\s*(?:[^.;]{0,25}?)\b(?:cede|cedera|cedere|cedendo|ceduto|vende|vendere|venduto|"
            r"vendera|incassa|libera|liberare|presta|prestare|girare|gira|saluta|lascia partire|"
            r"ha accettato|accetta|apre alla cessione|chiede|chiedono|valuta il|fissa|"
            # A club denying a report on its own player: "ha smentito i contatti con".
            r"smentisce|smentiscono|ha smentito|hanno smentito|smentita)"
        ),
        bystander_before=(
            r"(?:\b(?:presidente|patron|proprietario|agente|procuratore|intermediario|"
            r"giornalista|esperto|dirigente|arbitro|collega|vicepresidente|sindaco|"
            r"telecronista|amministratore delegato|ad|dg|direttore generale|consulente|"
            r"avvocato|padre|fratello|moglie|portavoce|fonti|ct)\s+(?:\w+\s+){0,1}$"
            r"|\b(?:agente|procuratore|intermediario|avvocato|consulente|presidente|patron|"
            r"proprietario|amministratore delegato|portavoce),\s+$"
            r"|\b(?:da|dal|dalla|dallo|dagli)\s+(?!svincolat)(?:\w+\s+){0,2}$"
            r"|\b(?:formazione|squadra|rosa|gruppo|uomini|ragazzi|truppa|scacchiere|"
            r"corte|idea|volonta|gestione|era|mani|filosofia|calcio|modulo|"
            r"assistente|vice|staff|secondo|secondo quanto riferito da|per|riferisce|"
            r"ha confermato|ha detto|ha dichiarato|ha spiegato|ha ammesso|ha rivelato|"
            r"ha parlato|convinto|convincere|convinca|ritroverebbe|ritrova|ritrovare|"
            r"ritrovera|allenato|lanciato|scoperto|voluto|schierato|infortunio|infortuni|"
            r"assenza|assenze|squalifica|stop|speranza|\d-\d-\d(?:-\d)?)\s+(?:di\s+)?$"
            r"|\b(?:juventus|inter|milan|roma|napoli|lazio|atalanta)\s+di\s+$)"
        ),
        bystander_after=(
            r"^\s*(?:,\s*)?(?:ha detto|ha dichiarato|ha spiegato|ha ammesso|ha confermato|"
            r"ha rivelato|ha parlato|dice|spiega|afferma|ammette|conferma|rivela|sottolinea|"
            r"commenta|ha commentato|aggiunge|ha aggiunto|racconta|ha raccontato|"
            r"in conferenza|ai microfoni|a sky|a dazn|ha sottolineato|ha risposto|"
            r"non ha convinto|ha schierato|schiera|allena|potra contare|conta|spiegava|"
            r"vuole|voleva|chiede|chiedeva|aspetta|apprezza|ha apprezzato|si gode|"
            r"dal canto suo|ha ripreso|ha incontrato|incontrera|considera|ritiene|stima|"
            # The subject of a buyer's act: "il ds X ha presentato un'offerta".
            r"ha presentato|ha avviato|ha formulato|ha avanzato|ha offerto|ha proposto|"
            r"ha messo sul piatto|ha voluto|ha allenato)\b"
        ),
        mover_before=(
            r"\b(?:entourage|agente|agenti|procuratore|agenzia|intermediari|cessione|ritorno|"
            r"arrivo|acquisto|addio|partenza|trasferimento|prestito|riscatto|rinnovo|firma|"
            r"contratto|ingaggio|operazione|affare|trattativa|visite mediche|cartellino|"
            r"passaggio|approdo|obiettivo|sondaggio|interesse|interessamento|pista|nome|"
            r"idea|per|arriva|arrivera|ecco)\s+(?:\w+\s+){0,1}(?:di|dello|del|della|per|a)?\s*$"
        ),
        outgoing=(
            r"\b(?:in uscita|uscita|uscite|cessione|cessioni|cedere|cede|cedendo|ceduto|vendere|"
            r"vende|venduto|addio|partenza|lascia|lasciare|lascera|saluta|salutare|via da|"
            r"out|sul mercato|partire|liberare|libera|esubero|esuberi|piazzare|sacrificare|"
            r"sacrificato|in partenza|in prestito)\b"
        ),
        stale_clause=(
            r"\b(?:\w+\s+(?:stagioni|anni|mesi|settimane|estati|giorni)\s+fa|in passato|"
            r"era stato vicino|era stata vicina|era vicino|sfiorato|sfiorata|aveva gia|"
            r"l'anno scorso|la scorsa estate|lo scorso|la scorsa|a suo tempo|all'epoca)\b"
        ),
        clause_break=r"[;:]|,\s*(?:che|il quale|la quale|i quali|dove|mentre|ma|pero)\b|\bma\b",
        coach_context=(
            r"\b(?:guida|panchina|allenatore|tecnico|mister|allenare|allenera|"
            r"esonero|esonerato|timone|successore|sostituto di)\b"
        ),
        departure_verb=(
            r"\b(?:esonerato|esonerata|esonero|sollevato dall'incarico|"
            r"rescissione|risoluzione|lascia|ha lasciato|addio|dimissioni|"
            r"dimesso|separazione)\b"
        ),
        buyer_perspective=(
            r"\b(?:obiettivo|obiettivi|sondat\w*|sondaggio|contatti|contatto|trattativa|"
            r"incontro|nomi|piace|pista|idea|interess\w*|mirino|punta|pensa|cerca|rinforzo|"
            r"rinforzi|ritorno|arrivo|acquisto|colpo|accordo|intesa|offerta|fumata bianca|"
            r"visite mediche|firma|ufficiale|candidat\w*|profilo|osservato|seguito|"
            r"radar|affondo|tentativo|assalto|vuole|vorrebbe|corte|chiesto|chiede|tesserat\w*|"
            r"ingaggiat\w*|ingaggio|ufficializzat\w*|acquistat\w*|salta|saltato|saltata|"
            r"sfumato|sfumata|naufragato|naufragata|tramontato|tramontata|tutto fatto|"
            r"sul serio|accelera|accelerato|stringe|stringono)\b"
        ),
        official_default=r"\b(?:cessione|ceduto|ceduta|passato|trasferito|acquistato)\b",
        negation=r"\b(?:non|nessun|nessuna|niente)\b",
        deal_for_before=(
            r"\b(?:intesa|accordo|offerta|offerte|proposta|contatti|contatto|trattativa|"
            r"affondo|assalto|blitz|sondaggio|rilancio|pressing|fumata bianca|prestito|"
            r"ok|si|via libera|pista|piste|corsa|colpo|tutto fatto|ore decisive|informazioni|"
            r"discorso|capitolo|situazione|"
            # A club pressing on: "il Torino ha accelerato per X", "fanno sul serio per X".
            r"accelera|accelerato|accelerano|stringe|stringono|chiuso|chiude|chiudere|"
            r"sul serio|ci prova|insiste|insistono|spinge|lavora|lavorano|tratta|trattano|"
            r"tenta|tentano|avanza|avanzano|rilancia|mosse|passi avanti)\b[^.;:]{0,40}\bper\s+"
            r"(?:il\s+|l')?$"
        ),
        departed_before=(
            r"(?:\b(?:esonerato|esonerata|esonera|esonerano|esonerare|esonero|silurato|"
            r"sollevato dall'incarico|congedato)\s+(?:(?:di|del|il|l'|tecnico|allenatore|"
            r"mister|ds|direttore sportivo)\s*){0,3}"
            r"|\b(?:risoluzione|rescissione)\s+(?:consensuale\s+)?(?:del\s+contratto\s+)?"
            r"(?:(?:con|di|per)\s+)(?:(?:il|l'|tecnico|allenatore|difensore|attaccante|"
            r"centrocampista|portiere|giocatore)\s*){0,2}"
            r"|\bsi separano le strade (?:di|tra)\s+"
            r"|\bseparazione\s+(?:consensuale\s+)?(?:dal|dall'|con il|con l'|con)\s*"
            r"(?:(?:tecnico|allenatore|mister|ds|direttore sportivo|direttore generale|dg|"
            r"vice)\s+){0,2}"
            # The staff leaving with a sacked coach: "con lui lascia anche il vice X".
            r"|\b(?:lascia|lasciano|va via|vanno via)\s+anche\s+(?:il|l')\s*(?:vice|"
            r"vice allenatore|allenatore in seconda|preparatore atletico|tecnico|ds|"
            r"direttore sportivo)\s+"
            r"|\b(?:chiude|chiusa|finisce|finita|termina|terminata|conclude|conclusa)\s+"
            r"(?:\w+\s+){0,8}l'avventura (?:di|del tecnico|dell'allenatore)\s+)$"
        ),
        departed_cue=(
            r"\b(?:esoner\w*|silurat\w*|sollevato dall'incarico|congedat\w*|risoluzione|"
            r"rescissione|si separano|separazione|l'avventura|lascia|lasciano|va via|"
            r"vanno via)\b"
        ),
        appointed_before=(
            r"(?:\b(?:affidato|affidata|affida|affidano|affidera|affidare)\s+(?:la squadra|"
            r"la panchina|la guida tecnica|la prima squadra|il timone)\s+(?:\w+\s+){0,2}"
            r"(?:a|ad)\s+"
            r"|\bla panchina\s+(?:\w+\s+){0,2}(?:va|andra|passa|e affidata)\s+(?:a|ad)\s+)$"
        ),
        paid_after=(
            r"^\s+(?:andranno|andrebbero|vanno|andra|andrebbe|verranno versati|saranno versati)"
            r"\s+(?:\w+\s+){0,2}(?:\d|milioni)"
        ),
        departed_after=(
            r"^\s*(?:,[^,.;]{1,40},\s*)?(?:e stato\s+|e\s+|viene\s+)?(?:esonerato|esonerata|"
            r"sollevato dall'incarico|silurato)\b"
        ),
        epithet_before=(
            r"(?:^|[\s(])(?:il|lo|l'|del|dello|dell'|al|allo|all'|dal|dallo|dall'|sul|sull'|"
            r"col|per il|per l')\s*(?:(?:nuovo|giovane|forte|esperto)\s+)?$"
        ),
        match_action=(
            r"\b(?:minuto|ripresa|primo tempo|secondo tempo|rigore|dischetto|pareggio|pari|"
            r"traversa|palo|cross|assist|autogol|espulso|ammonito|in campo|allenamento|"
            r"influenza|infortunio|recupero|partitella|arbitro|fischio)\b"
        ),
    )


def _english() -> LanguagePatterns:
    return _compile(
        buyer_before=(
            r"(?:\b(?:" + _BUYER_NOUNS_EN + r")s?\s+(?:\w+\s+){0,2}(?:from|by|of)\s+(?:the\s+)?$"
            r"|\b(?:wanted by|target for|targeted by|linked with|linked to|attracting|"
            r"attracted|admired by|interesting|close to|closing in on a move to|closer to|"
            r"set to join|poised to join|agreed to join|signed for|sign for|signs for|"
            r"signing for|joining|joins|join|joined|rejoin|rejoins|rejoined|move to|"
            r"moved to|moving to|switch to|heading to|headed to|bound for|loaned to|"
            r"loan to|sold to|transfer to|return to|returns to|returned to|returning to|"
            r"medical at|medical with|medical for|unveiled by|presented by|appointed by|"
            r"named by|hired by|in talks with|agreed terms with|terms with|deal with|"
            r"contract with|deal at|stay at|extension at|future at)\s+(?:the\s+)?$"
            # "has joined Championship side Hull City".
            r"|\b(?:joins|joined|join|joining|moves to|moved to|move to|loaned to|sold to)\s+"
            r"(?:[\w-]+\s+){1,2}(?:side|club|outfit)\s+$)"
        ),
        from_before=(
            r"(?:\b(?:from|leave|leaves|leaving|left|exit|exits|quit|quits|quitting|depart|"
            r"departs|released by|sacked by|dismissed by|let go by|axed by|out of|leaves|"
            r"loan at|spell at|stint at|loan spell at|on loan at|time at|career at|"
            r"parted ways with|part ways with|parted company with|terminated by|"
            # A bid turned down by the club that owns the player.
            r"rejected by|turned down by|knocked back by|snubbed by|refused by)\s+(?:the\s+)?$)"
        ),
        to_before=r"\b(?:to|for)\s+(?:the\s+)?$",
        owner_before=(
            r"\b(?:" + _ROLE_WORDS_EN + r")\s+(?:\w+\s+){0,1}(?:of|at)\s+(?:the\s+)?$"
            r"|\b(?:contract with|under contract at|under contract with|on the books of|"
            r"owned by|registered with|contracted to|contract at)\s+(?:the\s+)?$"
            r"|\b(?:appearances|games|goals|matches|caps|starts|played|plays|playing|scored|"
            r"scoring)\s+(?:\w+\s+){0,2}for\s+(?:the\s+)?$"
        ),
        genitive_before=r"\bof\s+(?:the\s+)?$",
        counterpart_before=(
            r"\b(?:talks|agreed|agree|agreement|deal|negotiations|negotiating|discussions|"
            r"fee|terms|contact|meeting|meet|dealings|stand-off|gap)(?:\s+[\w£€$.-]+){0,5}"
            r"\s+(?:with)\s+(?:the\s+)?(?:(?:[\w-]+\s+){1,2}(?:side|club|outfit)\s+)?$"
        ),
        former_before=(
            r"\b(?:former|ex|ex-|formerly of|once of|against|beat|beating|"
            r"lost to|draw with|drew with|scored against|youth|academy)\s+"
            r"(?:the\s+)?$"
        ),
        city_to_before=r"(?:^|\s)to\s+$",
        city_from_before=r"\b(?:leave|leaves|leaving|left|quit|quits|depart|departs)\s+$",
        # "Arsenal's young striker", "Lazio striker", not "Arsenal have signed striker".
        owner_after=(
            r"^(?:(?:'s|')\s+(?:[\w-]+\s+){0,2}|\s+(?:(?:young|new|former|veteran|teenage|"
            r"experienced|talented|reserve|backup|first-choice|\w+-year-old)\s+)?)"
            r"(?:" + _ROLE_WORDS_EN + r")\b"
        ),
        buyer_after=(
            r"^(?:'s|')\s+(?:\w+\s+){0,2}(?:interest|bid|offer|approach|target|"
            r"pursuit|move|proposal|enquiry|attempt|advances|medical|talks|deal|"
            r"new signing|signing|recruitment)\b"
        ),
        subject_verb_after=(
            r"^\s*(?:" + _ASIDE + r")?"
            r"(?:have|has|had|are|is|were|was|will|would|could|may|might|want|"
            r"wants|agree|agreed|sign|signed|signs|complete|completed|completes|make|made|"
            r"submit|submitted|accept|accepted|reject|rejected|bid|target|targets|eye|eyes|"
            r"lead|leads|plan|plans|continue|continues|push|pushes|hope|hopes|face|prepare|"
            r"prepares|remain|remains|confirm|confirmed|confirms|announce|announced|announces|"
            r"open|opened|opens|register|registered|hold|held|table|tabled|launch|launched|"
            r"step up|stepped up|move|moved|moves|lodge|lodged|land|landed|secure|secured|"
            r"seal|sealed|snap|snapped|beat|beaten|join|joined|trigger|triggered|activate|"
            r"activated|appoint|appointed|appoints|hire|hired|name|named|recall|recalled|"
            r"extend|extended|renew|renewed|tie|tied|lock|locked|also|now|still|reportedly|"
            r"sell|sold|selling|cash|loan|loaned|release|released|sack|sacked|dismiss|"
            r"dismissed|part|parted|set|close|closing|edge|edging|do|does|did|not|never|"
            r"turn|turned|monitor|monitoring|consider|considering|explore|exploring|"
            r"enquire|enquired|ask|asked|value|valued|demand|demanded|deny|denies|denied|"
            r"dismissed reports|dismissed speculation|dismissed claims)\b"
        ),
        seller_verb_after=(
            r"^\s*(?:[^.;]{0,25}?)\b(?:sell|sold|selling|cash in|accept|accepted|accepts|"
            r"reject|rejected|rejects|turn down|turned down|turns down|let|allow|allowed|"
            r"release|released|loan out|loaned out|offload|offloaded|value|sale|"
            # "loan" as a verb, not "agreed a loan deal".
            r"(?<!\ba )(?<!\bthe )loan(?!\s+(?:deal|move|fee|signing|agreement|offer|bid))|loaned|"
            r"valued|demand|demanded|want|wants|ask|asking|asked|sanction|sanctioned|recall|"
            r"recalled|deny|denies|denied|dismissed reports|dismissed speculation|"
            r"dismissed claims|rejected reports)\b(?!\s+(?:to sign|to bring|in signing))"
        ),
        bystander_before=(
            r"(?:\b(?:president|chairman|owner|co-owner|(?<!free )agent|adviser|advisor|journalist|"
            r"reporter|intermediary|representative|referee|pundit|spokesman|spokesperson|"
            r"chief executive|ceo|father|brother|wife|lawyer|insider|director|executive)\s+"
            r"(?:\w+\s+){0,1}$"
            r"|\b(?:agent|adviser|advisor|lawyer|representative|intermediary|president|"
            r"chairman|owner|director|chief executive|spokesman|spokesperson),\s+$"
            r"|\b(?:by|according to|told|per|says|said|via|reporter|from journalist)\s+"
            r"(?:\w+\s+){0,1}$"
            r"|\b(?:under|impress|impressed|convince|convinced|persuade|persuaded|"
            r"without|replace|replacing|alongside|partner|partnering|reunite with|"
            r"reunited with|work with|working with|play under|playing under|coached by|"
            r"injury to|injuries to|absence of|suspension of|loss of)\s+$)"
        ),
        bystander_after=(
            r"^\s*(?:,\s*)?(?:said|says|told|explained|admitted|added|insisted|confirmed|"
            r"revealed|claimed|stated|wrote|reported|reports|tweeted|believes|thinks|feels|"
            r"has said|has admitted|has confirmed|has insisted|is understood|wants|wanted|"
            r"would like|is keen|has been keen|hopes|coached|managed|played alongside|"
            r"eyes|is eyeing|targets|is targeting|has identified|has targeted|"
            r"injury|injured|is injured|suffered)\b"
        ),
        mover_before=(
            r"\b(?:representatives of|agent of|camp of|sign|signing|signed|bid for|offer for|"
            r"move for|deal for|fee for|interest in|talks over|talks for|target|targets|"
            r"want|wants|signature of|sale of|transfer of|departure of|loan for|capture of|"
            r"pursuit of|return of|recall of)\s+(?:\w+\s+){0,1}$"
        ),
        outgoing=(
            r"\b(?:sell|sale|sold|selling|leave|leaves|leaving|exit|departure|depart|"
            r"offload|offloaded|cash in|outgoing|let go|surplus|transfer-listed|"
            r"transfer list|available for transfer|loan out|loaned out)\b"
        ),
        stale_clause=(
            r"\b(?:\w+\s+(?:years|seasons|months|weeks|summers|windows)\s+ago|in the past|"
            r"was close to|came close to|nearly|almost joined|last summer|last season|"
            r"last year|previously|formerly|at the time)\b"
        ),
        clause_break=r"[;:]|,\s*(?:who|which|where|while|but|whereas)\b|\bbut\b",
        coach_context=(
            r"\b(?:manager|head coach|boss|coach|dugout|in charge|job|"
            r"managerial|sacked|successor|replace)\b"
        ),
        departure_verb=(
            r"\b(?:sacked|dismissed|parted ways|parted company|released|"
            r"leaves|has left|have left|left the club|departs|departed|resigned|terminated|"
            r"mutual consent|"
            r"relieved of)\b"
        ),
        buyer_perspective=(
            r"\b(?:target|targets|interest|interested|keen|want|wants|bid|offer|talks|"
            r"approach|sign|signing|move|deal|pursuit|medical|agreed|agreement|shortlist|"
            r"eye|eyeing|monitor|monitoring|enquiry|inquiry|fee|option|options|recruit|"
            r"candidate|candidates|scouted|tracking)\b"
        ),
        official_default=r"\b(?:joined|signed|completed|sold|transferred)\b",
        negation=r"\b(?:not|no|never|nothing)\b",
        departed_before=(
            r"\b(?:sack|sacks|sacked|dismiss|dismisses|dismissed|axe|axes|axed|fire|fires|"
            r"fired|relieve|relieved|part company with|parts company with|parted company with|"
            r"part ways with|parts ways with|parted ways with|terminated the contract of|"
            r"released)\s+(?:(?:head|coach|manager|boss|sporting|director|their|his|the|"
            r"defender|midfielder|striker|forward|goalkeeper|winger|player)\s+){0,3}$"
        ),
        departed_cue=(
            r"\b(?:sack\w*|dismiss\w*|axe|axes|axed|fire|fires|fired|relieve\w*|"
            r"part company|parts company|parted company|part ways|parts ways|parted ways|"
            r"terminated the contract|released)\b"
        ),
        paid_after=(
            r"^\s+(?:will|would|are set to|are due to|stand to)\s+(?:receive|pocket|collect)\s+"
            r"(?:\w+\s+){0,2}[£€$\d]"
        ),
        departed_after=(
            r"^\s*(?:,[^,.;]{1,40},\s*)?(?:has|have|had|was|were|is)\s+(?:been\s+)?"
            r"(?:sacked|dismissed|axed|fired|relieved of (?:his|her) duties)\b"
        ),
        epithet_before=(
            r"\bthe\s+(?:\d+-|(?:(?:\d+-year-old|young|experienced|new|highly-rated|veteran)\s+)?"
            r"(?:(?:" + _DEMONYMS_EN + r")\s+)?)$"
        ),
        match_action=(
            r"\b(?:minute|half-time|half time|second half|first half|penalty|equaliser|"
            r"equalizer|cross|header|crossbar|post|assist|own goal|sent off|booked|training|"
            r"injury|injuries|illness|referee|kick-off|stoppage time)\b"
        ),
    )
