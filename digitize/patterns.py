"""Text patterns of newspaper conventions, shared by layout (roles) and repair (joins, markers, format)."""

import re

BYLINE = re.compile(r"^(本报(记者|评论员|通讯员|特约记者)|记者|特约评论员|评论员|通讯员)[\s\u3000]*[\u4e00-\u9fff·\s\u3000]{0,16}$")
SUBTITLE_DASH = re.compile(r"^(?:[—─]{1,2}|[—─]一|一[—─]|一一|--)\s*")  # OCR reads a dash as 一 at times
NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# Continuation markers. OCR reads the brackets as 【】[]〔〕 or drops them, and 第/版 come with spaces.
_OPEN, _CLOSE = r"[（(【\[〔]", r"[）)】\]〕]"
_CJK_PAGE = r"(?:第\s*)?(?P<page>[0-9０-９A-Za-zＡ-Ｚ一二三四五六七八九十]{1,4})\s*版"
_CJK_VERB = r"(?P<verb>下转|转|上接|紧接|接|续)"
CJK_FORWARD_VERBS = ("下转", "转")
CONTINUATION = re.compile(rf"{_OPEN}?\s*{_CJK_VERB}\s*{_CJK_PAGE}\s*{_CLOSE}?\s*$")
CONTINUATION_START = re.compile(rf"^\s*{_OPEN}?\s*(?P<verb>上接|紧接|接|续)\s*{_CJK_PAGE}\s*{_CLOSE}?")
_EN_PAGE = r"Page\s+(?P<page>[A-Z]?\d{1,3}[A-Z]?)"
_EN_KEY = r"(?-i:(?P<key>[A-Z][A-Z0-9'&.\- ]*[A-Z0-9]))"  # the jump word, set in capitals: "TAXES"
# "Continued on Page 4", "See TAXES, Page 4" close a part; "Continued from Page A1", "TAXES: From Page 1" open one.
ENGLISH_CONTINUATION = re.compile(
    rf"{_OPEN}?\s*(?:(?P<verb>Continued\s+on)|See\s+{_EN_KEY}\s*[,:;.]?)\s*{_EN_PAGE}\s*{_CLOSE}?\s*\.?\s*$", re.I)
ENGLISH_CONTINUATION_START = re.compile(
    rf"^\s*{_OPEN}?\s*(?:{_EN_KEY}\s*[,:;.]?\s*)?(?:Continued\s+)?From\s*{_EN_PAGE}\s*{_CLOSE}?\s*\.?", re.I)
# A hyphen at the end of a line as OCR may read it: hyphen-minus, soft hyphen, hyphen, not sign and double
# oblique hyphen (Fraktur).
LINE_HYPHENS = "-\u00ad\u2010\u00ac\u2e17"


LEAD = re.compile(r"^(本报讯|新华社[\u4e00-\u9fff]{0,6}电)\s*[（(]")
BYLINE_NAME = re.compile(r"^(本报(?:记者|通讯员|特约记者)|记者|通讯员)\s*(\S.*)$")
CREDIT = re.compile(r"[\s\u3000]*(本报(?:记者|通讯员)|记者|通讯员)[\s\u3000]*([\u4e00-\u9fff·]{2,4}(?:[\s\u3000]+[\u4e00-\u9fff·]{2,4})*)[\s\u3000]*摄$")
PAGE_NUMBER = re.compile(r"第\s*(?P<page>[0-9A-Za-z一二三四五六七八九十]{1,4})\s*版")
DATE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
