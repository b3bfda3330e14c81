"""Text patterns of newspaper conventions, shared by layout (roles) and repair (joins, markers, format)."""

import re

BYLINE = re.compile(r"^(本报(记者|评论员|通讯员|特约记者)|记者|特约评论员|评论员|通讯员)[\s\u3000]*[\u4e00-\u9fff·\s\u3000]{0,16}$")
SUBTITLE_DASH = re.compile(r"^(?:[—─]{1,2}|[—─]一|一[—─]|一一|--)\s*")  # OCR reads a dash as 一 at times
NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
CONTINUATION = re.compile(
    r"[（(【\[〔]?\s*(?P<verb>下转|转|上接|紧接|接)\s*(?:第\s*)?(?P<page>[0-9０-９A-Za-z一二三四五六七八九十]{1,4})\s*版\s*[）)】\]〕]?\s*$"
)
CONTINUATION_START = re.compile(
    r"^\s*[（(【\[〔]?\s*(?P<verb>上接|紧接|接)\s*(?:第\s*)?(?P<page>[0-9０-９A-Za-z一二三四五六七八九十]{1,4})\s*版\s*[）)】\]〕]?"
)
ENGLISH_CONTINUATION = re.compile(r"\(?\s*(?P<verb>Continued on|See [A-Z ]+,)\s*Page\s+(?P<page>[A-Z]?\d{1,3})\s*\)?\s*$", re.I)
ENGLISH_CONTINUATION_START = re.compile(r"^\s*\(?\s*(?:Continued from|[A-Z ]+: From)\s*Page\s+(?P<page>[A-Z]?\d{1,3})\s*\)?", re.I)


LEAD = re.compile(r"^(本报讯|新华社[\u4e00-\u9fff]{0,6}电)\s*[（(]")
BYLINE_NAME = re.compile(r"^(本报(?:记者|通讯员|特约记者)|记者|通讯员)\s*(\S.*)$")
CREDIT = re.compile(r"[\s\u3000]*(本报(?:记者|通讯员)|记者|通讯员)[\s\u3000]*([\u4e00-\u9fff·]{2,4}(?:[\s\u3000]+[\u4e00-\u9fff·]{2,4})*)[\s\u3000]*摄$")
PAGE_NUMBER = re.compile(r"第\s*(?P<page>[0-9A-Za-z一二三四五六七八九十]{1,4})\s*版")
DATE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
