"""Statistical division codes (国家统计局 统计用区划代码, 12 digits) and grid codes (community code + 3 digits)."""

from django.utils.translation import gettext as _

from .models import PATH_LENGTH, Kind, Level

NATIONAL_LENGTH = 12


def normalize(code: str, level: str) -> str:
    """The stored code: 12 digits for 市..社区 (zero-padded), 15 for a grid; raises ValueError with a Chinese reason."""
    code = code.strip()
    if not code.isdigit():
        raise ValueError(_("区划代码只能包含数字：%(code)s") % {"code": code})
    significant = PATH_LENGTH[Level(level)]
    if level == Level.GRID:
        if len(code) != 15:
            raise ValueError(_("网格编码应为 15 位（社区代码 12 位 + 网格顺序码 3 位）：%(code)s") % {"code": code})
        if code[12:] == "000":
            raise ValueError(_("网格顺序码不能为 000：%(code)s") % {"code": code})
        return code
    if len(code) == significant:
        code = code + "0" * (NATIONAL_LENGTH - significant)
    if len(code) != NATIONAL_LENGTH:
        raise ValueError(
            _("%(level)s的区划代码应为 %(n)s 位或 12 位：%(code)s")
            % {"level": Level(level).label, "n": significant, "code": code}
        )
    if code[significant:] != "0" * (NATIONAL_LENGTH - significant):
        raise ValueError(_("区划代码与层级不符（末尾应为 0）：%(code)s") % {"code": code})
    if significant > 4 and code[PATH_LENGTH_PREVIOUS[Level(level)] : significant].strip("0") == "":
        raise ValueError(_("区划代码本级部分不能全为 0：%(code)s") % {"code": code})
    return code


PATH_LENGTH_PREVIOUS = {Level.COUNTY: 4, Level.STREET: 6, Level.COMMUNITY: 9, Level.GRID: 12}


def path_of(code: str, level: str) -> str:
    return code[: PATH_LENGTH[Level(level)]]


def grid_kind_for(code: str) -> Kind:
    """基础（综合）网格 001–899, 专属网格 9xx (cn_domain §2.3)."""
    return Kind.GRID_DEDICATED if code[12] == "9" else Kind.GRID_COMPREHENSIVE


def level_for_kind(kind: str) -> Level:
    from .models import KINDS_BY_LEVEL

    for level, kinds in KINDS_BY_LEVEL.items():
        if kind in kinds:
            return level
    raise ValueError(_("未知的区划类型：%(kind)s") % {"kind": kind})


def parse_kind(text: str) -> Kind:
    text = text.strip()
    for kind in Kind:
        if text in (kind.value, str(kind.label)):
            return kind
    raise ValueError(_("未知的区划类型：%(kind)s") % {"kind": text})
