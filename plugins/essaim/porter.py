"""lunr.js's English stemmer (`lunr.stemmer`, lunr 2.3.9), step for step: Martin Porter's
algorithm as lunr runs it in the browser, so that the English index's terms are the stems a
visitor's words get there. NLTK's and Snowball's Porter stemmers differ from it on a few words in a hundred
(each "mode" on different ones), hence this port; tests/test_search_analysis.py compares it
with lunr.js on the demo's vocabulary."""

from __future__ import annotations

import re

_STEP2 = {
    "ational": "ate",
    "tional": "tion",
    "enci": "ence",
    "anci": "ance",
    "izer": "ize",
    "bli": "ble",
    "alli": "al",
    "entli": "ent",
    "eli": "e",
    "ousli": "ous",
    "ization": "ize",
    "ation": "ate",
    "ator": "ate",
    "alism": "al",
    "iveness": "ive",
    "fulness": "ful",
    "ousness": "ous",
    "aliti": "al",
    "iviti": "ive",
    "biliti": "ble",
    "logi": "log",
}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}

_c = "[^aeiou]"  # consonant
_v = "[aeiouy]"  # vowel
_C = _c + "[^aeiouy]*"  # consonant sequence
_V = _v + "[aeiou]*"  # vowel sequence
_MGR0 = re.compile("^(" + _C + ")?" + _V + _C)  # [C]VC... is m>0
_MEQ1 = re.compile("^(" + _C + ")?" + _V + _C + "(" + _V + ")?$")  # [C]VC[V] is m=1
_MGR1 = re.compile("^(" + _C + ")?" + _V + _C + _V + _C)  # [C]VCVC... is m>1
_S_V = re.compile("^(" + _C + ")?" + _v)  # vowel in stem

_1A = re.compile(r"^(.+?)(ss|i)es$")
_1A2 = re.compile(r"^(.+?)([^s])s$")
_1B = re.compile(r"^(.+?)eed$")
_1B2 = re.compile(r"^(.+?)(ed|ing)$")
_1B_AT = re.compile(r"(at|bl|iz)$")
_1B_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_CVC = re.compile("^" + _C + _v + "[^aeiouwxy]$")
_1C = re.compile(r"^(.+?[^aeiou])y$")
_2 = re.compile("^(.+?)(" + "|".join(_STEP2) + ")$")
_3 = re.compile("^(.+?)(" + "|".join(_STEP3) + ")$")
_4 = re.compile(r"^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$")
_4S = re.compile(r"^(.+?)(s|t)(ion)$")
_5 = re.compile(r"^(.+?)e$")
_LL = re.compile(r"ll$")


def stem(w: str) -> str:
    """The stem lunr.stemmer gives a lower-cased word."""
    if len(w) < 3:
        return w
    first = w[0]
    if first == "y":
        w = "Y" + w[1:]

    # Step 1a
    if (m := _1A.search(w)) or (m := _1A2.search(w)):
        w = m.group(1) + m.group(2)

    # Step 1b
    if m := _1B.search(w):
        if _MGR0.search(m.group(1)):
            w = w[:-1]
    elif m := _1B2.search(w):
        base = m.group(1)
        if _S_V.search(base):
            w = base
            if _1B_AT.search(w):
                w += "e"
            elif _1B_DOUBLE.search(w):
                w = w[:-1]
            elif _CVC.search(w):
                w += "e"

    # Step 1c: a final y after a consonant (not the first letter) becomes i
    if m := _1C.search(w):
        w = m.group(1) + "i"

    # Steps 2 and 3
    for pattern, replacements in ((_2, _STEP2), (_3, _STEP3)):
        if (m := pattern.search(w)) and _MGR0.search(m.group(1)):
            w = m.group(1) + replacements[m.group(2)]

    # Step 4
    if m := _4.search(w):
        if _MGR1.search(m.group(1)):
            w = m.group(1)
    elif m := _4S.search(w):
        base = m.group(1) + m.group(2)
        if _MGR1.search(base):
            w = base

    # Step 5
    if m := _5.search(w):
        base = m.group(1)
        if _MGR1.search(base) or (_MEQ1.search(base) and not _CVC.search(base)):
            w = base
    if _LL.search(w) and _MGR1.search(w):
        w = w[:-1]

    if first == "y":
        w = "y" + w[1:]
    return w
