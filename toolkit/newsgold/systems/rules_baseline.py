"""Baseline extractors that see only the document text (no gold information).

* ``rules``: a rule-based NER (gazetteers of countries, nationalities and regions,
  title-triggered person names, organisation keywords and acronyms, regular
  expressions for dates, times, money, ordinals and cardinals) and a rule-based quote
  extractor (quotation-mark pairing, reporting-verb cues, speaker from the nearest name
  or a pronoun chain).

They exist to give the leaderboard an honest floor that runs offline on a fresh
machine in well under a second; they are not meant to be good.
"""
from __future__ import annotations

import re

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozens|several"
ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last"

COUNTRIES = """Afghanistan Albania Algeria Argentina Armenia Australia Austria Azerbaijan Bahrain Bangladesh Belarus Belgium Bolivia
Bosnia Brazil Bulgaria Cambodia Cameroon Canada Chad Chile China Colombia Congo Croatia Cuba Cyprus Denmark Djibouti Ecuador Egypt
Eritrea Estonia Ethiopia Finland France Georgia Germany Ghana Greece Guatemala Haiti Hungary Iceland India Indonesia Iran Iraq
Ireland Israel Italy Japan Jordan Kazakhstan Kenya Kosovo Kuwait Kyrgyzstan Latvia Lebanon Libya Lithuania Malaysia Mali Malta
Mauritania Mexico Moldova Mongolia Montenegro Morocco Mozambique Myanmar Nepal Netherlands Nicaragua Niger Nigeria Norway Oman
Pakistan Palestine Panama Paraguay Peru Philippines Poland Portugal Qatar Romania Russia Rwanda Senegal Serbia Singapore Slovakia
Slovenia Somalia Spain Sudan Sweden Switzerland Syria Taiwan Tajikistan Tanzania Thailand Tunisia Turkey Turkmenistan Uganda
Ukraine Uruguay Uzbekistan Venezuela Vietnam Yemen Zambia Zimbabwe Gaza US USA UK Britain England Scotland Washington London
Paris Moscow Beijing Cairo Damascus Tehran Baghdad Beirut Riyadh Jeddah Dubai Doha Ankara Istanbul Jerusalem Amman Kabul
Berlin Rome Madrid Brussels Geneva Tokyo Delhi Aleppo Idlib Homs Raqqa Kyiv Kiev""".split()
MULTIWORD_GPE = ["Gaza Strip", "West Bank", "United States", "United Kingdom", "Saudi Arabia", "New York", "Gaza City",
                 "United Arab Emirates", "South Africa", "North Korea", "South Korea", "Sri Lanka", "New Zealand"]
NATIONALITIES = """Afghan Albanian Algerian American Arab Arabic Armenian Australian Austrian Bahraini British Canadian Chinese
Christian Christians Druze Dutch Egyptian Emirati European French German Greek Indian Indonesian Iranian Iraqi Irish Islamic
Islamist Israeli Israelis Italian Japanese Jewish Jordanian Kurdish Kurds Kuwaiti Lebanese Libyan Moroccan Muslim Muslims
Omani Pakistani Palestinian Palestinians Qatari Russian Saudi Shiite Sunni Syrian Syrians Turkish Ukrainian Western Yemeni
Alawite Sudanese Somali Tunisian""".split()
REGIONS = ["Middle East", "Gulf", "West", "Europe", "Africa", "Asia", "Levant", "Mediterranean", "Red Sea", "Balkans"]
ORG_WORDS = """Forces Force Council Board Agency Organization Organisation Party Ministry Movement Union Nations Army Group
Committee Commission Bank Fund Court Parliament Assembly Front Brigades Authority Office Department Institute University
Company Corporation Agency News Times Post Press""".split()
KNOWN_ORGS = ["UN", "EU", "NATO", "AFP", "Reuters", "AP", "Daesh", "ISIS", "Hamas", "Hezbollah", "Fatah", "IMF", "WHO",
              "UNICEF"]
TITLES = ["President", "Prime Minister", "Minister", "Foreign Minister", "General", "Major General", "Gen.", "Secretary",
          "King", "Crown Prince", "Prince", "Sheikh", "Ambassador", "Envoy", "Spokesman", "Spokeswoman", "Senator",
          "Governor", "Mayor", "Chancellor", "Commander", "Colonel", "Mr.", "Mrs.", "Ms.", "Dr."]
REPORTING = ("said|says|say|told|tells|added|adds|stated|states|insisted|insists|reported|reports|announced|announces|"
             "noted|notes|explained|warned|warns|argued|claimed|claims|stressed|affirmed|reaffirmed|urged|declared")

CAP = r"[A-Z][\w’'\-]*(?:-[A-Z][\w’'\-]*)*"


def _add(spans: list, start: int, end: int, label: str) -> None:
    spans.append((start, end, label))


def rule_entities(text: str) -> list[dict]:
    """Entities found by gazetteers, title triggers, keywords and regular expressions."""
    cand: list[tuple[int, int, str]] = []
    pats = [
        (rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}\b", "DATE"),
        (rf"\b(?:{MONTHS})(?: \d{{1,2}},?)?(?: \d{{4}})?\b", "DATE"),
        (rf"\b(?:on |last |next )?(?:{WEEKDAYS})\b", "DATE"),
        (r"\b(?:more than |over |about |nearly )?(?:a|one|two|three|four|five|six|\d+) (?:year|month|week|day)s?(?: ago)?\b", "DATE"),
        (r"\b\d+ min(?:ute)?s? \d+ sec(?:ond)?s? ago\b", "TIME"),
        (rf"\b(?:more than |over |about |nearly )?(?:\$\s?)?(?:\d[\d,.]*|{NUMBER_WORDS}) (?:million|billion|trillion) (?:dollars|euros|pounds)\b", "MONEY"),
        (r"\$\s?\d[\d,.]*(?: (?:million|billion))?", "MONEY"),
        (r"\b\d+(?:\.\d+)? ?(?:percent|%)", "PERCENT"),
        (rf"\b(?:{ORDINALS})\b", "ORDINAL"),
        (rf"\b(?:{NUMBER_WORDS})\b", "CARDINAL"),
        (r"\b\d+(?:,\d{3})*\b", "CARDINAL"),
    ]
    for pat, label in pats:
        for m in re.finditer(pat, text):
            s = m.start() + (3 if m.group().startswith("on ") else 0)
            _add(cand, s, m.end(), label)
    for name in MULTIWORD_GPE:
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            _add(cand, m.start(), m.end(), "GPE")
    for name in REGIONS:
        for m in re.finditer(rf"(?<=\bthe ){re.escape(name)}\b", text):
            _add(cand, m.start(), m.end(), "LOC")
    for m in re.finditer(r"\b[A-Z][A-Za-z]+\b", text):
        w = m.group()
        if w in COUNTRIES:
            _add(cand, m.start(), m.end(), "GPE")
        elif w in NATIONALITIES:
            _add(cand, m.start(), m.end(), "NORP")
        elif w in KNOWN_ORGS:
            _add(cand, m.start(), m.end(), "ORG")
    # Hyphenated prefixes: "US-backed", "Kurdish-led"
    for m in re.finditer(r"\b([A-Z][A-Za-z]+)-(?=[a-z])", text):
        w = m.group(1)
        if w in COUNTRIES:
            _add(cand, m.start(1), m.end(1), "GPE")
        elif w in NATIONALITIES:
            _add(cand, m.start(1), m.end(1), "NORP")
    # Organisations: capitalised sequences ending in an organisation word, and acronyms
    for m in re.finditer(rf"\b(?:{CAP} )*?(?:{CAP} )?(?:{'|'.join(ORG_WORDS)})\b(?: of(?: the)? {CAP}(?: {CAP})*)?", text):
        if m.group()[0].isupper() and " " in m.group():
            s = m.start()
            words = m.group().split(" ")
            while words and (words[0] in NATIONALITIES or words[0] in TITLES) and len(words) > 2:
                s += len(words[0]) + 1
                words = words[1:]
            _add(cand, s, m.end(), "ORG")
    for m in re.finditer(r"\b[A-Z]{2,5}\b", text):
        if m.group() not in COUNTRIES:
            _add(cand, m.start(), m.end(), "ORG")
    # People: names after a title, then every later use of their last name
    title_re = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
    surnames: set[str] = set()
    for m in re.finditer(rf"\b(?:{title_re}) ((?:{CAP})(?: (?:{CAP}))*)", text):
        name = m.group(1)
        parts = name.split(" ")
        while parts and (parts[0] in TITLES or parts[0] in ("General", "Minister")):
            parts = parts[1:]
        if not parts or parts[0] in COUNTRIES or parts[0] in NATIONALITIES or parts[0] in TITLES:
            continue
        s = m.end(1) - len(" ".join(parts))
        _add(cand, s, m.end(1), "PERSON")
        surnames.add(parts[-1])
        surnames.add(" ".join(parts))
    for m in re.finditer(rf"\b({CAP}) ({CAP})\b", text):
        a, b = m.group(1), m.group(2)
        if a in TITLES or b in ORG_WORDS or a in COUNTRIES or a in NATIONALITIES or b in COUNTRIES or a in ("The", "A", "An", "In", "On", "During", "Any", "We", "It", "They", "He", "She"):
            continue
        if a.isupper() or b.isupper() or b in NATIONALITIES or f"{a} {b}" in REGIONS or f"{a} {b}" in ("Short Url",) or f"{a} {b}" in TITLES:
            continue
        _add(cand, m.start(), m.end(), "PERSON")
        surnames.add(b)
    surnames -= set(NATIONALITIES) | set(COUNTRIES) | set(REGIONS) | set(TITLES)
    for sn in sorted(surnames):
        for m in re.finditer(rf"\b{re.escape(sn)}\b", text):
            _add(cand, m.start(), m.end(), "PERSON")
    # Resolve overlaps: longest span first, then earliest, then label priority
    prio = {"MONEY": 0, "DATE": 1, "TIME": 1, "PERCENT": 1, "PERSON": 2, "ORG": 3, "GPE": 4, "LOC": 5, "NORP": 6, "ORDINAL": 7, "CARDINAL": 8}
    chosen: list[tuple[int, int, str]] = []
    taken = [False] * (len(text) + 1)
    for s, e, lab in sorted(set(cand), key=lambda c: (-(c[1] - c[0]), c[0], prio[c[2]])):
        if any(taken[s:e]):
            continue
        for i in range(s, e):
            taken[i] = True
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
    people = [e for e in entities if e["label"] in ("PERSON", "ORG", "GPE", "NORP")]
    quotes = []
    marks = _quote_marks(text)
    last_speaker: dict | None = None
    verb_re = re.compile(rf"\b(?:{REPORTING})\b")

    def speaker_near(pos_start: int, pos_end: int) -> dict | None:
        """The nearest name right before the cue (subject) or right after it ("said X")."""
        before = [e for e in people if pos_start - 60 <= e["end"] <= pos_start]
        after = [e for e in people if pos_end <= e["start"] <= pos_end + 25]
        if before:
            return max(before, key=lambda e: e["end"])
        if after:
            return min(after, key=lambda e: e["start"])
        m = re.search(r"\b(He|She|They)\s*$", text[max(0, pos_start - 12):pos_start])
        if m:
            return {"start": pos_start - len(text[max(0, pos_start - 12):pos_start]) + m.start(1),
                    "end": pos_start - len(text[max(0, pos_start - 12):pos_start]) + m.end(1), "pronoun": True}
        return None

    def make(content: list[tuple[int, int]], qtype: str, cue: tuple[int, int] | None, spk: dict | None) -> dict:
        nonlocal last_speaker
        q = {"type": qtype, "content": [{"start": s, "end": e, "text": text[s:e]} for s, e in content],
             "cue": {"start": cue[0], "end": cue[1], "text": text[cue[0]:cue[1]]} if cue else None, "speaker": None,
             "speaker_name": None}
        if spk:
            q["speaker"] = {"start": spk["start"], "end": spk["end"], "text": text[spk["start"]:spk["end"]]}
            if spk.get("pronoun") and last_speaker:
                q["speaker_name"] = last_speaker["text"]  # pronoun chain: the latest named speaker
            elif not spk.get("pronoun"):
                q["speaker_name"] = text[spk["start"]:spk["end"]]
                last_speaker = {"text": q["speaker_name"]}
        elif last_speaker:
            q["speaker_name"] = last_speaker["text"]  # continuation paragraph: same speaker
        return q

    in_quote = set()
    for s, e in marks:
        inner = (s + 1, e)
        words = len(text[inner[0]:inner[1]].split())
        line_start = text.rfind("\n", 0, s) + 1
        line_end = text.find("\n", e)
        line_end = len(text) if line_end < 0 else line_end
        after = text[e + 1:line_end]
        before = text[line_start:s]
        cue_after = verb_re.search(after[:40])
        cue_before = list(verb_re.finditer(before))
        if words < 3 and not cue_before:
            continue  # scare quotes
        in_quote.update(range(s, e + 1))
        if cue_after:
            cue = (e + 1 + cue_after.start(), e + 1 + cue_after.end())
            quotes.append(make([inner], "direct", cue, speaker_near(cue[0], cue[1])))
        elif cue_before:
            c = cue_before[-1]
            cue = (line_start + c.start(), line_start + c.end())
            gap = text[cue[1]:s].strip()
            qtype = "direct" if gap in ("", ":", ",") else "mixed"
            start = inner[0] if qtype == "direct" else cue[1] + (len(text[cue[1]:s]) - len(text[cue[1]:s].lstrip()))
            quotes.append(make([(start, inner[1])], qtype, cue, speaker_near(cue[0], cue[1])))
        elif line_start == s:
            quotes.append(make([inner], "direct", None, None))
    # indirect: "X said (that) CLAUSE" and "CLAUSE, X said."
    for s0, e0 in _sentences(text):
        sent = text[s0:e0]
        m = verb_re.search(sent)
        if not m or any(i in in_quote for i in range(s0 + m.start(), s0 + m.end())):
            continue
        cue = (s0 + m.start(), s0 + m.end())
        rest = sent[m.end():]
        lead = re.match(r"\s*(?:(?:on|in) [^,]{1,40}?,?\s*)?(?:reporters |him |her |them |[A-Z]\w+ )?(?:that |\s*:\s*)?", rest)
        c_start = s0 + m.end() + (lead.end() if lead else 0)
        c_end = e0 - (1 if sent.endswith(".") else 0)
        if c_end - c_start >= 15 and not any(i in in_quote for i in range(c_start, c_end)):
            quotes.append(make([(c_start, c_end)], "indirect", cue, speaker_near(cue[0], cue[1])))
    quotes.sort(key=lambda q: q["content"][0]["start"])
    for i, q in enumerate(quotes, 1):
        q["id"] = f"q{i}"
    return quotes


def predict(doc_id: str, text: str) -> dict:
    """One predictions record for a document, from its text alone."""
    ents = rule_entities(text)
    return {"doc_id": doc_id, "system": "newsgold-rules-baseline", "entities": ents, "quotes": rule_quotes(text, ents)}
