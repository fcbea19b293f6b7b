"""Address words, normalised so that «ул Ленина д 5 к2», «Ленина, 5 корп. 2» and «улица ленина дом 5к2» meet.

The importer stores ``house_search_text`` in ``houses.search_text``; house search matches query words against it.
"""

from __future__ import annotations

import re

# type words that say nothing about which street or house it is
TYPE_WORDS = frozenset(
    """ул улица пр проезд прд пр-д проспект пр-т прт пер переулок ш шоссе б-р бр бульвар наб набережная пл площадь
    туп тупик аллея ал мкр микрорайон кв-л квартал линия тер территория г город гор пос поселок пгт с село дер
    деревня д дом вл владение респ республика обл область край р-н район ао мо""".split()
)
_HOUSING = {"к": "к", "корп": "к", "корпус": "к", "стр": "с", "строение": "с", "с": "с", "лит": "л", "литера": "л"}
_TOKEN = re.compile(r"~?[0-9]+[а-я]?|[а-яa-z]+")
# words that introduce a flat or an office: «кв 12», «квартира 12», «пом. 3», «оф 5» — not part of the house
_FLAT_WORDS = r"(?:кв|квартира|пом|помещение|оф|офис)"


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("ё", "е")
    # «кв. 12», «квартира 12а» after the house: the resident's flat, not the house
    text = re.sub(rf"\b{_FLAT_WORDS}\b\.?\s*№?\s*\d+[а-я]?", " ", text)
    # «12 а», «12-А», «12 лит. А» → «12а» (a letter that is not «к2»/«с1»)
    text = re.sub(r"(\d)(?:\s*-\s*|\s+|\s*лит(?:ера)?\.?\s*)([а-я])(?![а-я0-9])(?!\.?\s*\d)", r"\1\2", text)
    # «5/2», «5-2»: the second number is a корпус or строение, or the second half of a corner-house number
    text = re.sub(r"(\d[а-я]?)\s*[/\\-]\s*(?=\d)", r"\1 ~", text)
    # «5к2», «7стр1» → «5 к2», «7 стр1»
    text = re.sub(r"(\d)(к|корп|корпус|стр|строение|с)(?=\.?\s*\d)", r"\1 \2", text)
    return _TOKEN.findall(text)


def normalize(text: str) -> list[str]:
    """Meaningful lower-case words and numbers; «5 к2» → ['5', 'к2'], «7 стр. 1» → ['7', 'с1']."""
    raw = _tokens(text)
    out: list[str] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        # «к2», «корп 2», «стр 1», «с1»
        m = re.fullmatch(r"(к|корп|корпус|стр|строение|с|лит|литера)([0-9]+[а-я]?)?", tok)
        if m and (m.group(2) or (i + 1 < len(raw) and raw[i + 1][0].isdigit())):
            if m.group(2):
                out.append(_HOUSING[m.group(1)] + m.group(2))
                i += 1
            else:
                out.append(_HOUSING[m.group(1)] + raw[i + 1])
                i += 2
            continue
        if tok in TYPE_WORDS:
            i += 1
            continue
        out.append(tok)
        i += 1
    return out


def house_search_text(*parts: str | None) -> str:
    """What is stored for a house: its city, settlement, street and building words, space-separated."""
    words: list[str] = []
    for part in parts:
        if part:
            for w in normalize(part):
                if w not in words:
                    words.append(w)
    return " ".join(words)


def match_score(query: list[str], house_words: list[str]) -> int | None:
    """None when the house does not match; otherwise higher is better.

    Every query word must match a house word: numbers exactly (a house number «5» also matches «5а» only when
    typed so), other words as a prefix of at least 3 letters (or the whole word when shorter).
    """
    score = 0
    for q in query:
        if q[0] == "~":  # «5/2»: matches «5 к2», «5 стр. 2» and «5/2»
            n = q[1:]
            if any(w in house_words for w in (q, n, "к" + n, "с" + n)):
                score += 2
                continue
            return None
        if q[0].isdigit() or (len(q) > 1 and q[0] in "кслл" and q[1].isdigit()):
            if q in house_words:
                score += 3
                continue
            return None
        hit = next((w for w in house_words if w == q or (len(q) >= 3 and w.startswith(q))), None)
        if hit is None:
            return None
        score += 2 if hit == q else 1
    return score


def longest_word(query: list[str]) -> str | None:
    """The query word to prefilter by in SQL (LIKE %word%): the longest one."""
    return max(query, key=len) if query else None


# endings cut from a query word so that «баумана» finds «Бауманская», «разумовского» finds «Разумовский»
_ENDINGS = sorted(
    "ская ский ской ского скому ское ая ой ий ый ого ому ым ом ов ев ина ена ы и а я е у ю".split(), key=len, reverse=True
)


def stem(word: str) -> str:
    if word[:1].isdigit():
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def house_score(query: list[str], house_words: list[str]) -> int | None:
    """The address module's score; a word that matches only by its stem costs a point."""
    exact = match_score(query, house_words)
    if exact is not None:
        return exact + 1
    return match_score([stem(q) for q in query], house_words)
