"""Baseline extractors that see only the document text (no gold information).

* ``rules``: a rule-based NER and a rule-based quote extractor.

They give the leaderboard an honest floor that runs offline on a fresh machine in well under
a second; they are not meant to be good.

**No list or pattern here was derived from the test documents.** Every resource is general
and was chosen without looking at the NewsGold documents (the first version of this module
held names from them -- Daesh, AFP, Aleppo, Idlib... -- and scored 0.916 strict F1: a
baseline tuned on the test set is not a floor). The resources are:

* ``COUNTRIES``: the 193 member states of the United Nations and its two observer states
  (short English names), plus the usual short forms of the largest ones (US, USA, UK,
  Britain, America); a complete list, never a selection. No cities, no regions.
* ``CONTINENTS``: the seven continents and common macro-regions of an atlas's contents page.
* ``IRREGULAR_DEMONYMS`` and ``RELIGIONS``: nationality adjectives not formed from the country
  name by a suffix, and the adherents of the major world religions. Other nationality words
  come from a rule: a capitalised word that shares its first four letters with a country and
  ends in ``-ian -ean -an -ese -ish -i`` (``Syrian``, ``Iraqi``, ``Lebanese``).
* ``ORG_SUFFIXES``: generic last words of organisation names (``Inc``, ``Ministry``, ``Council``,
  ``University``...), and the pattern "capitalised words + suffix (+ of + capitalised words)";
  all-capital words of two to five letters are organisation acronyms.
* ``TITLES``: common English honorifics and office titles; a capitalised name after a title is
  a PERSON, as is any pair of capitalised words inside a sentence, and later uses of its
  last word.
* Month and weekday names, number words, ordinal words, currency and percent signs for the
  value types; reporting verbs (``said``, ``told``...) and quotation marks for quotes.
"""
from __future__ import annotations

import re

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
                "dozen|dozens|hundreds|thousands|millions")
ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|twentieth|hundredth"

COUNTRIES = [
    "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Antigua and Barbuda", "Argentina", "Armenia", "Australia",
    "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belarus", "Belgium", "Belize", "Benin",
    "Bhutan", "Bolivia", "Bosnia and Herzegovina", "Botswana", "Brazil", "Brunei", "Bulgaria", "Burkina Faso", "Burundi",
    "Cabo Verde", "Cambodia", "Cameroon", "Canada", "Central African Republic", "Chad", "Chile", "China", "Colombia",
    "Comoros", "Congo", "Costa Rica", "Côte d'Ivoire", "Croatia", "Cuba", "Cyprus", "Czechia", "Democratic Republic of the Congo",
    "Denmark", "Djibouti",
    "Dominica", "Dominican Republic", "Ecuador", "Egypt", "El Salvador", "Equatorial Guinea", "Eritrea", "Estonia",
    "Eswatini", "Ethiopia", "Fiji", "Finland", "France", "Gabon", "Gambia", "Georgia", "Germany", "Ghana", "Greece",
    "Grenada", "Guatemala", "Guinea", "Guinea-Bissau", "Guyana", "Haiti", "Honduras", "Hungary", "Iceland", "India",
    "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Jamaica", "Japan", "Jordan", "Kazakhstan", "Kenya",
    "Kiribati", "Kuwait", "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya", "Liechtenstein",
    "Lithuania", "Luxembourg", "Madagascar", "Malawi", "Malaysia", "Maldives", "Mali", "Malta", "Marshall Islands",
    "Mauritania", "Mauritius", "Mexico", "Micronesia", "Moldova", "Monaco", "Mongolia", "Montenegro", "Morocco",
    "Mozambique", "Myanmar", "Namibia", "Nauru", "Nepal", "Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria",
    "North Korea", "North Macedonia", "Norway", "Oman", "Pakistan", "Palau", "Panama", "Papua New Guinea", "Paraguay",
    "Peru", "Philippines", "Poland", "Portugal", "Qatar", "Romania", "Russia", "Rwanda", "Saint Kitts and Nevis",
    "Saint Lucia", "Saint Vincent and the Grenadines", "Samoa", "San Marino", "Sao Tome and Principe", "Saudi Arabia",
    "Senegal", "Serbia", "Seychelles", "Sierra Leone", "Singapore", "Slovakia", "Slovenia", "Solomon Islands", "Somalia",
    "South Africa", "South Korea", "South Sudan", "Spain", "Sri Lanka", "Sudan", "Suriname", "Sweden", "Switzerland",
    "Syria", "Tajikistan", "Tanzania", "Thailand", "Timor-Leste", "Togo", "Tonga", "Trinidad and Tobago", "Tunisia",
    "Turkey", "Turkmenistan", "Tuvalu", "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom", "United States",
    "Uruguay", "Uzbekistan", "Vanuatu", "Venezuela", "Vietnam", "Yemen", "Zambia", "Zimbabwe",
    "Palestine", "Holy See",                                   # the two UN observer states
    "US", "USA", "U.S.", "UK", "U.K.", "Britain", "America",   # usual short forms
]
CONTINENTS = ["Africa", "Antarctica", "Asia", "Europe", "North America", "South America", "Oceania", "Latin America",
              "Central America", "the Caribbean", "Scandinavia"]
IRREGULAR_DEMONYMS = ["French", "Dutch", "Swiss", "Welsh", "Greek", "Thai", "Filipino", "Danish", "Swedish", "Finnish",
                      "Polish", "Spanish", "Irish", "Scottish", "English", "Arab", "Arabs", "European", "Europeans",
                      "African", "Africans", "Asian", "Asians"]
RELIGIONS = ["Christian", "Christians", "Muslim", "Muslims", "Jewish", "Jew", "Jews", "Hindu", "Hindus", "Buddhist",
             "Buddhists", "Sikh", "Sikhs", "Catholic", "Catholics", "Protestant", "Protestants"]
ORG_SUFFIXES = ["Inc", "Inc.", "Corp", "Corp.", "Ltd", "Ltd.", "LLC", "PLC", "Co.", "Company", "Corporation", "Group",
                "Holdings", "Bank", "Fund", "Ministry", "Council", "Committee", "Commission", "Agency", "Authority",
                "Board", "Bureau", "Department", "Office", "Organization", "Organisation", "Association", "Federation",
                "Foundation", "Institute", "University", "College", "School", "Hospital", "Party", "Movement", "Union",
                "Alliance", "Coalition", "Front", "Army", "Navy", "Police", "Forces", "Force", "Court", "Parliament",
                "Assembly", "Congress", "Senate", "Church", "Times", "News", "Post", "Press", "Television", "Radio"]
TITLES = ["President", "Vice President", "Prime Minister", "Minister", "Secretary", "Chancellor", "King", "Queen",
          "Prince", "Princess", "Emperor", "Pope", "Senator", "Governor", "Mayor", "Ambassador", "Judge", "Justice",
          "General", "Colonel", "Major", "Captain", "Lieutenant", "Admiral", "Sergeant", "Commander", "Chief",
          "Director", "Chairman", "Chairwoman", "Professor", "Mr.", "Mrs.", "Ms.", "Dr.", "Sir", "Lord", "Lady"]
FUNCTION_WORDS = {"The", "A", "An", "In", "On", "At", "Of", "For", "From", "To", "By", "With", "As", "And", "But", "Or",
                  "If", "When", "While", "After", "Before", "During", "Since", "This", "That", "These", "Those", "It",
                  "He", "She", "They", "We", "I", "You", "His", "Her", "Their", "Our", "Its", "Any", "All", "Some",
                  "There", "Here", "What", "Who", "How", "Why", "Where", "Updated", "Follow"}
REPORTING = ("said|says|say|told|tells|added|adds|stated|states|insisted|insists|reported|reports|announced|announces|"
             "noted|notes|explained|warned|warns|argued|claimed|claims|stressed|affirmed|reaffirmed|urged|declared")

CAP = r"[A-Z][\w’'\-]*(?:-[A-Z][\w’'\-]*)*"
_DEMONYM_END = re.compile(r"(?:ian|ean|an|ese|ish|i)s?$")
_COUNTRY_STEMS = {c[:4] for c in COUNTRIES if " " not in c and len(c) >= 4}
Span = tuple[int, int, str]


def _is_demonym(word: str) -> bool:
    """A nationality or religion word: listed, or a country stem with a demonym ending (``Syrian``, ``Iraqi``)."""
    if word in IRREGULAR_DEMONYMS or word in RELIGIONS:
        return True
    return len(word) >= 5 and word[:4] in _COUNTRY_STEMS and word not in COUNTRIES and _DEMONYM_END.search(word) is not None


def _finditer(pattern: str, text: str, label: str, flags: int = 0) -> list[Span]:
    return [(m.start(), m.end(), label) for m in re.finditer(pattern, text, flags)]


def _values(text: str) -> list[Span]:
    """Dates, times, money, percentages, ordinals and cardinals from general patterns."""
    out: list[Span] = []
    out += _finditer(rf"\b\d{{1,2}} (?:{MONTHS})(?: \d{{4}})?\b", text, "DATE")
    out += _finditer(rf"\b(?:{MONTHS})(?: \d{{1,2}},?)?(?: \d{{4}})?\b", text, "DATE")
    out += _finditer(rf"\b(?:last |next |this )?(?:{WEEKDAYS})\b", text, "DATE")
    out += _finditer(r"\b(?:19|20)\d{2}\b", text, "DATE")
    out += _finditer(r"\b(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+) (?:year|month|week|day)s?(?: ago)?\b",
                     text, "DATE")
    out += _finditer(r"\b(?:yesterday|today|tomorrow)\b", text, "DATE", re.IGNORECASE)
    out += _finditer(r"\b\d{1,2}(?::\d{2})? ?(?:a\.m\.|p\.m\.|am|pm)|\b\d{1,2}:\d{2}\b", text, "TIME")
    out += _finditer(r"\b(?:\d+|a few|several) (?:hours?|minutes?)(?: ago)?\b", text, "TIME")
    out += _finditer(rf"(?:[$€£]\s?)?\b(?:\d[\d,.]*|{NUMBER_WORDS})(?: (?:million|billion|trillion))? "
                     r"(?:dollars|euros|pounds|yen)\b", text, "MONEY")
    out += _finditer(r"[$€£]\s?\d[\d,.]*(?: (?:million|billion|trillion))?", text, "MONEY")
    out += _finditer(r"\b\d+(?:\.\d+)? ?(?:percent|per cent|%)", text, "PERCENT")
    out += _finditer(rf"\b(?:{ORDINALS}|\d+(?:st|nd|rd|th))\b", text, "ORDINAL", re.IGNORECASE)
    out += _finditer(rf"\b(?:{NUMBER_WORDS})\b", text, "CARDINAL", re.IGNORECASE)
    out += _finditer(r"\b\d+(?:,\d{3})*(?:\.\d+)?(?: (?:million|billion|trillion))?\b", text, "CARDINAL")
    return out


def _places_and_groups(text: str) -> list[Span]:
    """Countries (GPE), continents (LOC), nationalities and religions (NORP), also as hyphenated prefixes."""
    out: list[Span] = []
    for name in COUNTRIES:
        out += _finditer(rf"(?<![\w.]){re.escape(name)}(?![\w])", text, "GPE")
    for name in CONTINENTS:
        start = 4 if name.startswith("the ") else 0
        out += [(s + start, e, lab) for s, e, lab in _finditer(rf"\b{re.escape(name)}\b", text, "LOC")]
    for m in re.finditer(r"\b[A-Z][a-z]+\b", text):
        if _is_demonym(m.group()):
            out.append((m.start(), m.end(), "NORP"))
    return out


def _organisations(text: str) -> list[Span]:
    """Capitalised names ending in a generic organisation word, and acronyms."""
    out: list[Span] = []
    suffixes = "|".join(re.escape(s) for s in sorted(ORG_SUFFIXES, key=len, reverse=True))
    for m in re.finditer(rf"\b(?:{CAP} )+(?:{suffixes})(?![\w])(?: of(?: the)? {CAP}(?: {CAP})*)?", text):
        words = m.group().split(" ")
        s = m.start()
        while len(words) > 2 and (words[0] in FUNCTION_WORDS or words[0] in TITLES or _is_demonym(words[0])):
            s += len(words[0]) + 1
            words = words[1:]
        out.append((s, m.end(), "ORG"))
    for m in re.finditer(r"\b[A-Z]{2,5}\b", text):
        if m.group() not in COUNTRIES:
            out.append((m.start(), m.end(), "ORG"))
    return out


def _people(text: str) -> list[Span]:
    """Names after a title, pairs of capitalised words inside a sentence, and later uses of their last word."""
    out: list[Span] = []
    title_re = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
    not_names = set(FUNCTION_WORDS) | set(TITLES) | set(ORG_SUFFIXES) | set(COUNTRIES)
    surnames: set[str] = set()
    for m in re.finditer(rf"(?<!\w)(?:{title_re}) ((?:{CAP})(?: {CAP})*)", text):
        parts = m.group(1).split(" ")
        while parts and parts[0] in not_names:
            parts = parts[1:]
        if parts and not _is_demonym(parts[0]):
            out.append((m.end(1) - len(" ".join(parts)), m.end(1), "PERSON"))
            surnames.add(parts[-1])
    for m in re.finditer(rf"(?<=[a-z,] )({CAP}) ({CAP})\b", text):
        a, b = m.group(1), m.group(2)
        if a in not_names or b in not_names or a.isupper() or b.isupper() or _is_demonym(a) or _is_demonym(b):
            continue
        out.append((m.start(), m.end(), "PERSON"))
        surnames.add(b)
    for sn in sorted(surnames - not_names):
        out += _finditer(rf"\b{re.escape(sn)}\b", text, "PERSON")
    return out


PRIORITY = {"MONEY": 0, "DATE": 1, "TIME": 1, "PERCENT": 1, "PERSON": 2, "ORG": 3, "GPE": 4, "LOC": 5, "NORP": 6,
            "ORDINAL": 7, "CARDINAL": 8}


def rule_entities(text: str) -> list[dict]:
    """Entities from the general resources above; overlaps resolved longest first, then earliest, then by label."""
    cand = _values(text) + _places_and_groups(text) + _organisations(text) + _people(text)
    taken = [False] * (len(text) + 1)
    chosen: list[Span] = []
    for s, e, lab in sorted(set(cand), key=lambda c: (-(c[1] - c[0]), c[0], PRIORITY[c[2]])):
        if any(taken[s:e]):
            continue
        taken[s:e] = [True] * (e - s)
        chosen.append((s, e, lab))
    out = []
    for s, e, lab in sorted(chosen):
        if text[s:e].endswith(("’s", "'s")) and e - s > 2:
            e -= 2  # possessive 's is not part of the name
        out.append({"start": s, "end": e, "text": text[s:e], "label": lab})
    return out


_OPEN_CLOSE = {"“": "”", '"': '"', "‘": "’"}


def _quote_marks(text: str) -> list[tuple[int, int]]:
    """Pairs of (open, close) positions of quotation marks; ’ inside words is an apostrophe."""
    pairs = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in _OPEN_CLOSE and (c != "‘" or i == 0 or not text[i - 1].isalnum()):
            close = _OPEN_CLOSE[c]
            j = i + 1
            while j < len(text) and text[j] != "\n":
                if text[j] == close and (close != "’" or j + 1 >= len(text) or not text[j + 1].isalnum()):
                    break
                j += 1
            if j < len(text) and text[j] == close:
                pairs.append((i, j))
                i = j + 1
                continue
        i += 1
    return pairs


def _sentences(text: str) -> list[tuple[int, int]]:
    out = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        for m in re.finditer(r"(?:(?<=[.!?])|(?<=[.!?][”\"’]))\s+(?=[“\"‘A-Z])|$", para.group()):
            end = para.start() + m.start()
            if end > start:
                out.append((start, end))
            start = para.start() + m.end()
    return out


def rule_quotes(text: str, entities: list[dict]) -> list[dict]:
    """Quotes: quotation-mark pairs and reporting-verb clauses, speaker from the nearest name."""
    finder = _QuoteFinder(text, [e for e in entities if e["label"] in ("PERSON", "ORG", "GPE", "NORP")])
    in_quote: set[int] = set()
    quotes = finder.marked(in_quote) + finder.indirect(in_quote)
    quotes.sort(key=lambda q: q["content"][0]["start"])
    for i, q in enumerate(quotes, 1):
        q["id"] = f"q{i}"
    return quotes


class _QuoteFinder:
    """The quote rules over one text. Quotes are made in reading order (quotation marks first,
    then reporting clauses), because a quote without a named speaker takes the latest one."""

    def __init__(self, text: str, people: list[dict]):
        self.text = text
        self.people = people
        self.last_speaker: dict | None = None
        self.verb_re = re.compile(rf"\b(?:{REPORTING})\b")

    def speaker_near(self, pos_start: int, pos_end: int) -> dict | None:
        """The nearest name right before the cue (subject) or right after it ("said X")."""
        text = self.text
        before = [e for e in self.people if pos_start - 60 <= e["end"] <= pos_start]
        after = [e for e in self.people if pos_end <= e["start"] <= pos_end + 25]
        if before:
            return max(before, key=lambda e: e["end"])
        if after:
            return min(after, key=lambda e: e["start"])
        m = re.search(r"\b(He|She|They)\s*$", text[max(0, pos_start - 12):pos_start])
        if m:
            return {"start": pos_start - len(text[max(0, pos_start - 12):pos_start]) + m.start(1),
                    "end": pos_start - len(text[max(0, pos_start - 12):pos_start]) + m.end(1), "pronoun": True}
        return None

    def make(self, content: list[tuple[int, int]], qtype: str, cue: tuple[int, int] | None) -> dict:
        """A quote record; its speaker is the name near the cue, else the latest named speaker."""
        text = self.text
        spk = self.speaker_near(cue[0], cue[1]) if cue else None
        q = {"type": qtype, "content": [{"start": s, "end": e, "text": text[s:e]} for s, e in content],
             "cue": {"start": cue[0], "end": cue[1], "text": text[cue[0]:cue[1]]} if cue else None, "speaker": None,
             "speaker_name": None}
        if spk:
            q["speaker"] = {"start": spk["start"], "end": spk["end"], "text": text[spk["start"]:spk["end"]]}
            if spk.get("pronoun") and self.last_speaker:
                q["speaker_name"] = self.last_speaker["text"]  # pronoun chain: the latest named speaker
            elif not spk.get("pronoun"):
                q["speaker_name"] = text[spk["start"]:spk["end"]]
                self.last_speaker = {"text": q["speaker_name"]}
        elif self.last_speaker:
            q["speaker_name"] = self.last_speaker["text"]  # continuation paragraph: same speaker
        return q

    def marked(self, in_quote: set[int]) -> list[dict]:
        """Quotes between quotation marks (scare quotes left out); their characters go into ``in_quote``."""
        text, quotes = self.text, []
        for s, e in _quote_marks(text):
            inner = (s + 1, e)
            words = len(text[inner[0]:inner[1]].split())
            line_start = text.rfind("\n", 0, s) + 1
            line_end = text.find("\n", e)
            line_end = len(text) if line_end < 0 else line_end
            cue_after = self.verb_re.search(text[e + 1:line_end][:40])
            cue_before = list(self.verb_re.finditer(text[line_start:s]))
            if words < 3 and not cue_before:
                continue  # scare quotes
            in_quote.update(range(s, e + 1))
            if cue_after:
                quotes.append(self.make([inner], "direct", (e + 1 + cue_after.start(), e + 1 + cue_after.end())))
            elif cue_before:
                c = cue_before[-1]
                cue = (line_start + c.start(), line_start + c.end())
                qtype = "direct" if text[cue[1]:s].strip() in ("", ":", ",") else "mixed"
                start = inner[0] if qtype == "direct" else cue[1] + (len(text[cue[1]:s]) - len(text[cue[1]:s].lstrip()))
                quotes.append(self.make([(start, inner[1])], qtype, cue))
            elif line_start == s:
                quotes.append(self.make([inner], "direct", None))
        return quotes

    def indirect(self, in_quote: set[int]) -> list[dict]:
        """Reported speech: "X said (that) CLAUSE" and "CLAUSE, X said." outside quotation marks."""
        text, quotes = self.text, []
        for s0, e0 in _sentences(text):
            sent = text[s0:e0]
            m = self.verb_re.search(sent)
            if not m or any(i in in_quote for i in range(s0 + m.start(), s0 + m.end())):
                continue
            cue = (s0 + m.start(), s0 + m.end())
            lead = re.match(r"\s*(?:(?:on|in) [^,]{1,40}?,?\s*)?(?:reporters |him |her |them |[A-Z]\w+ )?(?:that |\s*:\s*)?",
                            sent[m.end():])
            c_start = s0 + m.end() + (lead.end() if lead else 0)
            c_end = e0 - (1 if sent.endswith(".") else 0)
            if c_end - c_start >= 15 and not any(i in in_quote for i in range(c_start, c_end)):
                quotes.append(self.make([(c_start, c_end)], "indirect", cue))
        return quotes


def predict(doc_id: str, text: str) -> dict:
    """One predictions record for a document, from its text alone."""
    ents = rule_entities(text)
    return {"doc_id": doc_id, "system": "newsgold-rules-baseline", "entities": ents, "quotes": rule_quotes(text, ents)}
