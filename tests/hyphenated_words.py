"""Real hyphenated English words, whose hyphen must survive a line break after it: compounds, prefixes before
capitals and digits, abbreviations, chemical names, numbers. Assembled by hand from common newspaper and
scientific usage; dehyphenation is measured on them (tests/test_repair.py)."""

HYPHENATED_WORDS = [
    # compounds whose closed form is not a word
    "well-known", "state-of-the-art", "long-term", "short-term", "up-to-date", "mother-in-law", "brother-in-law",
    "editor-in-chief", "self-esteem", "self-driving", "high-quality", "low-income", "middle-class", "full-time",
    "part-time", "decision-making", "problem-solving", "cross-border", "follow-up", "long-standing",
    "open-source", "real-time", "one-third", "twenty-one", "so-called", "far-reaching", "well-being",
    "year-on-year", "ex-wife", "co-founder", "anti-inflammatory", "pre-existing", "post-war", "all-time",
    "old-fashioned", "eye-catching", "life-threatening", "world-class", "user-friendly", "merry-go-round",
    "forget-me-not", "check-in", "hands-on", "face-to-face", "one-on-one", "first-class", "large-scale",
    "record-breaking", "tax-free", "three-quarters", "carbon-neutral", "energy-efficient", "city-wide",
    # single letters, capitals, digits
    "x-ray", "e-mail", "T-shirt", "U-turn", "Wi-Fi", "K-pop", "anti-American", "pre-Christmas", "mid-December",
    "COVID-19", "G-20", "F-16", "H-1B", "2025-26", "Boeing-747", "MP3-player", "COVID-related",
    # chemistry
    "n-tridecanal", "p-xylene", "tert-butyl", "1,3-butadiene", "sec-butyl", "trans-butene", "alpha-pinene",
]
