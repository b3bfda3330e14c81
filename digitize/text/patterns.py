"""Text patterns of newspaper conventions, shared by layout (roles), repair (joins, markers), the corpus
format and the punctuation profiles."""

import re


def is_cjk(ch: str) -> bool:
    """A CJK character or CJK punctuation (text written without spaces between words)."""
    if not ch:
        return False
    o = ord(ch)
    return (
        (0x2E80 <= o <= 0x9FFF)
        or (0xF900 <= o <= 0xFAFF)
        or (0xFF00 <= o <= 0xFFEF)
        or (0x3000 <= o <= 0x303F)
        or ch in "“”‘’—…·"
    )


def mostly_latin(text: str) -> bool:
    """Three or more letters, most of them ASCII: a line of Latin-script text."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isascii() for c in letters) >= 0.6 * len(letters)


# Simplified and traditional forms: 本报记者 / 本報記者, 评论员 / 評論員, 通讯员 / 通訊員, 特约 / 特約.
_REPORTER = r"(?:记者|記者|评论员|評論員|通讯员|通訊員|特[约約](?:记者|記者|评论员|評論員))"
# The paper's own (本报), or an agency's: 新华社记者, 中新社记者 (randomized bed seed 61207: of the 34 bylines missed on
# its 48 pages, 13 were an agency's and 12 in traditional characters).
_BY = r"(?:本[报報]|新[华華]社|中新社|人民日[报報])"
# A name closed by 摄/攝 is a photo credit, not a byline ("本報記者 王玉勇 攝", fresh seed 1894976 page 004).
BYLINE = re.compile(rf"^(?!.*[摄攝][\s\u3000]*$)({_BY}?{_REPORTER})[\s\u3000]*[\u4e00-\u9fff·\s\u3000]{{0,16}}$")
# OCR reads a dash as 一 at times, or as two with a gap: the two-character readings are tried first.
SUBTITLE_DASH = re.compile(r"^(?:[—─]\s?[—─]|[—─]一|一[—─]|一一|--|[—─])\s*")
NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# Continuation markers. OCR reads the brackets as 【】[]〔〕 or drops them, and 第/版 come with spaces.
_OPEN, _CLOSE = r"[（(【\[〔]", r"[）)】\]〕]"
_CJK_PAGE = r"(?:第\s*)?(?P<page>[0-9０-９A-Za-zＡ-Ｚ一二三四五六七八九十]{1,4})\s*版"
_CJK_VERB = r"(?P<verb>下\s?转|转|上\s?接|紧\s?接|接|续)"  # a line break may leave a space inside 下转
CJK_FORWARD_VERBS = ("下转", "转")
CONTINUATION = re.compile(rf"{_OPEN}?\s*{_CJK_VERB}\s*{_CJK_PAGE}\s*{_CLOSE}?\s*$")
CONTINUATION_START = re.compile(rf"^\s*{_OPEN}?\s*(?P<verb>上\s?接|紧\s?接|接|续)\s*{_CJK_PAGE}\s*{_CLOSE}?")
# "（续）" alone opens a part too, naming no page: the issue stage finds its first part by the headline.
CONTINUATION_START_UNNAMED = re.compile(rf"^\s*{_OPEN}\s*(?P<verb>续|接上[页頁版]?)\s*{_CLOSE}")
# A bracketed marker is a jump wherever it stands: where a line ran on past it into the next column's text
# ("…急剧真（下转第11版）能并…", randomized issue 1758425903) the paragraph does not end with it.
CONTINUATION_INLINE = re.compile(rf"{_OPEN}\s*{_CJK_VERB}\s*{_CJK_PAGE}\s*{_CLOSE}")
_EN_PAGE = r"Page\s+(?P<page>[A-Z]?\d{1,3}[A-Z]?)"
_EN_KEY = r"(?-i:(?P<key>[A-Z][A-Z0-9'&.\- ]*[A-Z0-9]))"  # the jump word, set in capitals: "TAXES"
# "Continued on Page 4", "See TAXES, Page 4" close a part; "Continued from Page A1", "TAXES: From Page 1" open one.
ENGLISH_CONTINUATION = re.compile(
    rf"{_OPEN}?\s*(?:(?P<verb>Continued\s+on)|See\s+{_EN_KEY}\s*[,:;.]?)\s*{_EN_PAGE}\s*{_CLOSE}?\s*\.?\s*$", re.I
)
ENGLISH_CONTINUATION_START = re.compile(
    rf"^\s*{_OPEN}?\s*(?:{_EN_KEY}\s*[,:;.]?\s*)?(?:Continued\s+)?From\s*{_EN_PAGE}\s*{_CLOSE}?\s*\.?", re.I
)
# A hyphen at the end of a line as OCR may read it: hyphen-minus, soft hyphen, hyphen, not sign and double
# oblique hyphen (Fraktur).
LINE_HYPHENS = "-\u00ad\u2010\u00ac\u2e17"


LEAD = re.compile(r"^(本报讯|新华社[\u4e00-\u9fff]{0,6}电)\s*[（(]")
BYLINE_NAME = re.compile(r"^(本报(?:记者|通讯员|特约记者)|记者|通讯员)\s*(\S.*)$")
CREDIT = re.compile(
    r"[\s\u3000]*(本报(?:记者|通讯员)|记者|通讯员)[\s\u3000]*([\u4e00-\u9fff·]{2,4}(?:[\s\u3000]+[\u4e00-\u9fff·]{2,4})*)[\s\u3000]*摄$"
)
# A photo credit closes a caption: "…本报记者 龙强摄", "（新華社記者 李輝 攝）".
# "(Photo: Irene Lopez)", "Photograph by Ann Lee", "AP Photo/Jane Doe" at a caption's end.
PHOTO_CREDIT = re.compile(
    r"(?:(?:记者|記者|通讯员|通訊員|新[华華]社|中新社)[^。！？]{0,12}[摄攝][\s\u3000)）]*"
    r"|\(?(?:[A-Z]{2,5}\s)?(?:Photo|Photograph|Picture|Image)s?(?:\s+by|\s*[:/])\s*[^()]{2,40}\)?\.?\s*)$"
)
PAGE_NUMBER = re.compile(r"第\s*(?P<page>[0-9A-Za-z一二三四五六七八九十]{1,4})\s*版")
ENGLISH_PAGE_NUMBER = re.compile(r"\bPage\s+(?P<page>[A-Z]?\d{1,3}[A-Z]?)\b", re.I)
DATE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH = r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
# "December 11, 2025", "Dec. 11, 2025"; "11 December 2025"
ENGLISH_DATES = (
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})\s+{_MONTH}\s+(?P<y>\d{{4}})\b", re.I),
)
WEEKDAY = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|星期[一二三四五六日天]", re.I)
