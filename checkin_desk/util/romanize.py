"""Names across scripts: Chinese in pinyin, and a sound key that Arabic and Latin spellings share.

Chinese: pinyin from pypinyin's character data (tone marks removed, each character in its most
common reading). A family name that has
several readings is read as a family name (曾 is Zeng, not Ceng); the search index also keeps the
other readings, so that a spelling of either kind finds the person.

Arabic and Latin: there is no single transliteration (محمد is Mohamed, Mohammed, Muhammad...), so
both are reduced to the consonants they share, in classes of letters that spellings swap: the
vowels, و and ي, ع and the hamza forms are dropped; ح and ه, ك and ق, س and ص, ت and ط, د ض ذ,
ز and ظ fall together; French and English digraphs (ch, sh, kh, gh, dj, ou, th, ph) are read as
the letter they write. Doubled letters count once, and a final h is dropped (Abdellah, Fatimah).
The article ال (el-, al-) may or may not be written: keys are made with and without it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from functools import lru_cache
from itertools import product
from pathlib import Path

from checkin_desk.util.textnorm import fold

VERSION = 1  # of the keys below: the search index is rebuilt when it changes


def is_cjk_char(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0002fa1f"


def has_cjk(text: str) -> bool:
    return any(is_cjk_char(ch) for ch in text)


def is_arabic_char(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufefc"


def has_arabic(text: str) -> bool:
    return any(is_arabic_char(ch) for ch in text)


# -- Chinese -----------------------------------------------------------------------------------------

# Family names whose usual reading is not the character's first one in pypinyin's data.
_SURNAMES = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "乐": "yue",
    "覃": "qin",
    "翟": "zhai",
    "缪": "miao",
    "盖": "ge",
    "秘": "bi",
    "种": "chong",
    "召": "shao",
    "万俟": "moqi",
    "尉迟": "yuchi",
    "长孙": "zhangsun",
    "厍": "she",
    "员": "yun",
    "黑": "he",
    "隗": "wei",
    "折": "she",
    "谌": "chen",
    "冼": "xian",
    "宿": "su",
    "藏": "zang",
    "那": "na",
    "燕": "yan",
    "华": "hua",
    "任": "ren",
    "沈": "shen",
    "贾": "jia",
    "薄": "bo",
    "柏": "bai",
    "句": "gou",
    "纪": "ji",
}


@lru_cache(maxsize=1)
def _pinyin_data() -> dict[int, str]:
    """pypinyin's reading of every character (code point -> "wáng,wàng,yù", the most common first).

    Read from the package's data file: importing pypinyin itself also loads its phrase dictionary
    (+55 MB, 0.4 s), which names do not need: a given name is not a phrase of the dictionary, and
    each character is read on its own. The file is found without importing the package.
    """
    spec = importlib.util.find_spec("pypinyin")
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
        try:
            return {int(k): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
        except (OSError, ValueError):
            pass
    from pypinyin.pinyin_dict import pinyin_dict  # the layout changed: the package's own loader

    return dict(pinyin_dict)


def _toneless(reading: str) -> str:
    text = "".join(ch for ch in unicodedata.normalize("NFD", reading) if not unicodedata.combining(ch))
    return text.replace("ü", "u") if text.isascii() else text


@lru_cache(maxsize=8192)
def _readings(ch: str) -> tuple[str, ...]:
    """Every pinyin reading of one character, without tones, the most common first (ü as u)."""
    data = _pinyin_data().get(ord(ch), "")
    readings = []
    for reading in data.split(","):
        plain = _toneless(reading)
        readings.append(plain)
        if "ü" in unicodedata.normalize(
            "NFC", reading.replace("ǖ", "ü").replace("ǘ", "ü").replace("ǚ", "ü").replace("ǜ", "ü")
        ):
            readings.extend((plain.replace("u", "v"), plain.replace("u", "yu")))  # 吕: lu, lv, lyu
    return tuple(dict.fromkeys(r for r in readings if r.isascii() and r.isalpha()))


def _phrase(text: str) -> tuple[str, ...]:
    """A run of characters in pinyin, each character in its most common reading."""
    return tuple(r[0] for r in map(_readings, text) if r)


def _cjk_runs(text: str) -> list[str]:
    return re.findall(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+", text)


def family_syllables(family: str) -> list[str]:
    """The family name in pinyin, read as a family name."""
    for surname, reading in _SURNAMES.items():
        if family.startswith(surname):
            rest = family[len(surname) :]
            return [reading, *(_phrase(rest) if rest else ())]
    return list(_phrase(family))


def pinyin_name(family: str, given: str) -> tuple[str, str]:
    """(FAMILY, Given) as a Chinese passport writes a name: WANG, Xiaoming. "" for non-Chinese parts."""
    family = "".join(_cjk_runs(family))
    given = "".join(_cjk_runs(given))
    fam = "".join(family_syllables(family)) if family else ""
    giv = "".join(_phrase(given)) if given else ""
    return fam.upper(), giv.capitalize()


def latin_line(first: str, last: str, first_latin: str = "", last_latin: str = "") -> str:
    """The Latin line of a badge: as the list gives it; derived for a Chinese name; else ""."""
    if first_latin or last_latin:
        if has_cjk(first + last):
            return " ".join(p for p in (last_latin.upper(), first_latin) if p)
        return " ".join(p for p in (first_latin, last_latin) if p)
    if not (has_cjk(first) or has_cjk(last)):
        return ""
    if not has_cjk(last) and has_cjk(first) and not last:
        # The whole name in one field (李娜): the first character is the family name.
        runs = "".join(_cjk_runs(first))
        last, first = runs[:1], runs[1:]
        for surname in _SURNAMES:
            if len(surname) > 1 and runs.startswith(surname):
                last, first = surname, runs[len(surname) :]
    family, given = pinyin_name(last, first)
    return " ".join(p for p in (family, given) if p)


def cjk_terms(text: str) -> list[str]:
    """Index words for the Chinese in `text`: each character, each run whole, its pinyin syllables
    (every reading) and the run's pinyin in one word (the usual reading)."""
    terms: list[str] = []
    for run in _cjk_runs(text):
        terms.extend(run)
        if len(run) > 1:
            terms.append(run)
        for ch in run:
            terms.extend(_readings(ch))
        terms.append("".join(_phrase(run)))
    return terms


def chinese_name_terms(first: str, last: str) -> list[str]:
    """cjk_terms of a Chinese name, plus the whole name family first and its pinyin as one word."""
    terms = cjk_terms(f"{last} {first}")
    whole = "".join(_cjk_runs(last) + _cjk_runs(first))
    if whole:
        terms.append(whole)
        fam = "".join(_cjk_runs(last))
        syllables = (
            family_syllables(fam) + list(_phrase("".join(_cjk_runs(first)))) if fam else list(_phrase(whole))
        )
        terms.extend(syllables)
        terms.append("".join(syllables))
    return terms


# -- Arabic and Latin: sound keys ---------------------------------------------------------------------

# Arabic letters -> class letter; None: dropped (vowels, weak letters, ayn, hamza).
_ARABIC_CLASS = {
    "ب": "B", "پ": "B", "ت": "T", "ث": "T", "ط": "T", "ج": "J", "چ": "J", "ح": "H", "ه": "H",
    "خ": "X", "د": "D", "ذ": "D", "ض": "D", "ر": "R", "ز": "Z", "ظ": "Z", "س": "S", "ص": "S",
    "ش": "C", "غ": "G", "ف": "F", "ڤ": "F", "ق": "K", "ك": "K", "ک": "K", "گ": "K", "ڭ": "K",
    "ل": "L", "م": "M", "ن": "N",
}  # fmt: skip
_ARABIC_DROPPED = set("اأإآٱءؤئعوىيیةـ")
_SUN_LETTERS = set("تثدذرزسشصضطظلن")

# Latin spellings, longest first; then single letters.
_LATIN_DIGRAPHS = (
    ("sch", "C"), ("tch", "C"), ("dj", "J"), ("dz", "J"), ("sh", "C"), ("ch", "C"), ("kh", "X"),
    ("gh", "G"), ("th", "T"), ("dh", "D"), ("ph", "F"), ("ck", "K"), ("qu", "K"), ("ou", ""),
)  # fmt: skip
_LATIN_CLASS = {
    "b": "B", "p": "B", "t": "T", "j": "J", "h": "H", "x": "X", "d": "D", "r": "R", "z": "Z",
    "s": "S", "f": "F", "v": "F", "k": "K", "q": "K", "l": "L", "m": "M", "n": "N",
}  # fmt: skip
_ARTICLES = {"el", "al", "ul", "l", "il", "ad", "ed", "an", "en", "ar", "as", "es", "az", "ez", "at", "et"}


def _collapse(classes: list[str]) -> str:
    out: list[str] = []
    for c in classes:
        if c and (not out or out[-1] != c):
            out.append(c)
    return "".join(out)


def _trimmed(classes: list[str]) -> list[str]:
    """A word's classes without a final h: Abdellah/Abdella, Fatimah/فاطمة, طه/Taha read alike."""
    classes = [c for c in classes if c]
    while classes and classes[-1] == "H":
        classes.pop()
    return classes


def _latin_classes(word: str) -> list[str]:
    classes: list[str] = []
    i = 0
    while i < len(word):
        for digraph, cls in _LATIN_DIGRAPHS:
            if word.startswith(digraph, i):
                classes.append(cls)
                i += len(digraph)
                break
        else:
            ch = word[i]
            nxt = word[i + 1 : i + 2]
            if ch == "c":
                classes.append("S" if nxt in ("e", "i", "y") else "K")
            elif ch == "g":
                classes.append("J" if nxt in ("e", "i", "y") else "K")
            else:
                classes.append(_LATIN_CLASS.get(ch, ""))
            i += 1
    return _trimmed(classes)


def _arabic_classes(word: str) -> list[str]:
    return _trimmed([_ARABIC_CLASS.get(ch, "") for ch in word if ch not in _ARABIC_DROPPED])


def _arabic_forms(word: str) -> list[str]:
    """A word with and without its article: الرحمن -> الرحمن (with the ل) and رحمن."""
    if word.startswith("ال") and len(word) > 3:
        return [word, word[2:]]
    return [word]


def _sound_word(word: str) -> bool:
    return has_arabic(word) or (word.isascii() and word.isalpha())


@lru_cache(maxsize=65536)
def _word_keys(word: str) -> tuple[str, ...]:
    """The sound keys of one folded word (Arabic or Latin); () when it has none."""
    if has_arabic(word):
        keys = [_collapse(_arabic_classes(form)) for form in _arabic_forms(word)]
    elif word.isascii() and word.isalpha():
        if word in _ARTICLES:
            return ()
        keys = [_collapse(_latin_classes(word))]
        if word.startswith(("el", "al")) and len(word) > 4:  # Elamrani, Alaoui: maybe an article
            keys.append(_collapse(_latin_classes(word[2:])))
    else:
        return ()
    return tuple(dict.fromkeys(k for k in keys if k))


def _joined_keys(words: list[str]) -> list[str]:
    """Keys of the words written as one (عبد الله = Abdellah), with and without each article."""
    words = [w for w in words if _sound_word(w)]
    if len(words) < 2 or len(words) > 5:
        return []
    options: list[list[list[str]]] = []
    for word in words:
        if has_arabic(word):
            forms = _arabic_forms(word)
            choices = [_arabic_classes(form) for form in forms]
            if len(forms) > 1 and forms[1][:1] in _SUN_LETTERS:
                choices.append(choices[1])  # the article's ل is not heard: Abderrahmane
            options.append(choices)
        elif word in _ARTICLES:
            options.append([_latin_classes(word), []])
        else:
            options.append([_latin_classes(word)])
    keys = []
    for combo in list(product(*options))[:16]:
        key = _collapse([c for classes in combo for c in classes])
        if key:
            keys.append(key)
    return list(dict.fromkeys(keys))


def name_sound_keys(*parts: str) -> list[str]:
    """Sound keys of a person's name parts (first, last, Latin first, Latin last...): each word's,
    and each part's words written as one (عبد القادر = Abdelkader)."""
    keys: list[str] = []
    for part in parts:
        words = fold(part).split()
        for word in words:
            keys.extend(_word_keys(word))
        if len(words) > 1:
            keys.extend(_joined_keys(words))
    return list(dict.fromkeys(keys))


def _groupings(words: list[str]) -> list[list[list[str]]]:
    """The ways to cut a list of words into runs of neighbours (a b c: a|b|c, ab|c, a|bc, abc)."""
    if len(words) <= 1:
        return [[words]] if words else []
    out = []
    for cut in range(1, len(words) + 1):
        head = words[:cut]
        for rest in _groupings(words[cut:]) if cut < len(words) else [[]]:
            out.append([head, *rest])
    return out


def query_sound_keys(text: str) -> list[list[str]]:
    """Alternatives for the sound tier of a query: each a list of keys that must all match.

    A name is split into words differently by each spelling (Abdelkader Benali, عبد القادر بن علي),
    so the query's words are also tried joined with their neighbours, each run as one key."""
    words = [w for w in fold(text).split() if _sound_word(w)][:5]
    alternatives: list[list[str]] = []
    for grouping in _groupings(words):
        keys = []
        for run in grouping:
            run_keys = (
                _joined_keys(run)
                if len(run) > 1
                else list(_word_keys(run[0])[-1:] if has_arabic(run[0]) else _word_keys(run[0])[:1])
            )
            if not run_keys:
                if all(w in _ARTICLES for w in run):
                    continue  # an article on its own
                keys = []
                break
            keys.append(run_keys)
        for combo in list(product(*keys))[:4] if keys else ():
            alternatives.append(list(combo))
    unique = {tuple(a): a for a in alternatives if a}
    return list(unique.values())[:24]


def cjk_query_alternatives(word: str) -> list[list[str]]:
    """A Chinese query in pinyin, in the ways a Latin list may split it: every syllable apart, the
    family name apart from the given name (Zhang Xiuying), or all in one word. The family name is
    one character, or two for a compound family name (欧阳); both splits are tried."""
    alternatives: list[list[str]] = []
    for run in _cjk_runs(word):
        for k in (1, 2):
            if len(run) <= k:
                continue
            family = family_syllables(run[:k])
            given = list(_phrase(run[k:]))
            alternatives.append([*family, *given])
            alternatives.append(["".join(family), "".join(given)])
            alternatives.append(["".join(family) + "".join(given)])
        if len(run) == 1:
            alternatives.append(list(_readings(run)[:1]))
    unique = {tuple(a): a for a in alternatives if a and all(a)}
    return list(unique.values())
