"""身份证号 (GB 11643-1999) and mobile-number validation, and the masks shown everywhere."""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    sex: str  # "M" or "F"

    @property
    def masked(self) -> str:
        return mask_id(self.value)


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_valid_id(text: str) -> bool:
    try:
        parse_id(text)
    except ValueError:
        return False
    return True


def parse_id(text: str, *, today: date | None = None) -> IdNumber:
    """Validate an 18-character 居民身份证号码: shape, birth date (real, not in the future) and check digit."""
    value = text.strip().upper().replace(" ", "")
    if not _ID_SHAPE.match(value):
        raise ValueError(_("身份证号应为 18 位（前 17 位为数字，最后一位为数字或 X）"))
    if value[0] == "0" or value[:2] in ("00",):
        raise ValueError(_("身份证号的地址码无效"))
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValueError(_("身份证号中的出生日期不存在")) from None
    if birth.year < 1890 or birth > (today or date.today()):
        raise ValueError(_("身份证号中的出生日期不合理"))
    if check_digit(value[:17]) != value[17]:
        raise ValueError(_("身份证号校验码错误"))
    return IdNumber(value=value, birth_date=birth, sex="M" if int(value[16]) % 2 else "F")


def parse_mobile(text: str) -> str:
    value = re.sub(r"[\s-]", "", text.strip())
    if value.startswith("+86"):
        value = value[3:]
    if not _MOBILE.match(value):
        raise ValueError(_("手机号应为 11 位，以 13–19 开头"))
    return value


def mask_id(value: str) -> str:
    """510603********1234: the address code and the last four characters."""
    if len(value) != 18:
        return "*" * len(value)
    return value[:6] + "*" * 8 + value[-4:]


def mask_mobile(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) == 11 else "*" * len(value)


def mask_text(value: str) -> str:
    """Addresses and other free text: the first two characters, then stars."""
    return value[:2] + "*" * min(max(len(value) - 2, 0), 8)


_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def find_valid_ids(text: str) -> list[str]:
    """Every checksum-valid 18-character ID number in `text` (the response scanner of the test suite uses this)."""
    return [m for m in _CANDIDATE.findall(text) if is_valid_id(m)]
