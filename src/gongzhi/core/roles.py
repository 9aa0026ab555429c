"""The platform's actors (MECHANISMS.md, "Actors"), each assigned at a node of the administrative tree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    HOUSEHOLD_HEAD = "household_head", _("户主")
    COMMUNITY_WORKER = "community_worker", _("居委会成员/社区工作者")
    GRID_WORKER = "grid_worker", _("网格员")
    SUPERVISION_MEMBER = "supervision_member", _("居务监督委员会成员")
    LEGAL_ADVISOR = "legal_advisor", _("社区法律顾问")
    MEDIATOR = "mediator", _("人民调解员")
    VOLUNTEER = "volunteer", _("志愿者")
    SOCIAL_WORKER = "social_worker", _("社区社会组织/社会工作者")
    RESIDENT_UNIT = "resident_unit", _("驻社区单位")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会/物业管理委员会")
    PROPERTY_PROVIDER = "property_provider", _("物业服务人")
    STREET_OFFICIAL = "street_official", _("街道办事处（乡镇人民政府）工作人员")
    DEPARTMENT_OFFICIAL = "department_official", _("职能部门工作人员")
    AUTHORITY = "authority", _("社区治理主管部门")
    AUDITOR = "auditor", _("审计管理员（监察、审计，只读）")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")


# Roles that act on other people's data or on governance records; 等保 2.0 L3 wants two factors for them.
STAFF_ROLES: frozenset[str] = frozenset(Role) - {
    Role.RESIDENT,
    Role.HOUSEHOLD_HEAD,
    Role.VOLUNTEER,
    Role.RESIDENT_UNIT,
}

# 等保 2.0 L3 三员分立: one person never holds two of these duties.
SEPARATED_DUTIES: frozenset[str] = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
