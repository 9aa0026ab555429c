"""The administrative tree (R2.2, R3.2, R21, D16).

市 › 县（市、区） › 街道/乡镇 › 社区/行政村 › 网格, plus 小区 and 楼栋.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.refdata import VersionedModel


class Level(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县（市、区）")
    STREET = "street", _("街道/乡镇")
    COMMUNITY = "community", _("社区/行政村")
    GRID = "grid", _("网格")


# Significant code digits per level: the path of a node is its code cut to these lengths (see core.scope).
PATH_LENGTH = {Level.CITY: 4, Level.COUNTY: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}
CHILD_LEVEL = {
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.STREET,
    Level.STREET: Level.COMMUNITY,
    Level.COMMUNITY: Level.GRID,
}


class Kind(models.TextChoices):
    DISTRICT = "district", _("市辖区")
    COUNTY = "county", _("县")
    COUNTY_CITY = "county_city", _("县级市")
    SUBDISTRICT = "subdistrict", _("街道")
    TOWN = "town", _("镇")
    TOWNSHIP = "township", _("乡")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("行政村")
    GRID_COMPREHENSIVE = "grid_comprehensive", _("综合网格")
    GRID_DEDICATED = "grid_dedicated", _("专属网格")
    CITY = "city", _("地级市")


KINDS_BY_LEVEL = {
    Level.CITY: {Kind.CITY},
    Level.COUNTY: {Kind.DISTRICT, Kind.COUNTY, Kind.COUNTY_CITY},
    Level.STREET: {Kind.SUBDISTRICT, Kind.TOWN, Kind.TOWNSHIP},
    Level.COMMUNITY: {Kind.COMMUNITY, Kind.VILLAGE},
    Level.GRID: {Kind.GRID_COMPREHENSIVE, Kind.GRID_DEDICATED},
}


class Division(VersionedModel):
    """行政区划节点: a node every governed record hangs under; 行政村 work wherever 社区 do (R21)."""

    refdata_name = "territory"  # cached per process (`core.refdata`): every save and delete moves the token

    code = models.CharField(_("区划代码"), max_length=15, unique=True, help_text=_("12 位统计用区划代码；网格为 15 位"))
    path = models.CharField(_("路径"), max_length=15, unique=True, editable=False)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    area_km2 = models.DecimalField(_("面积（平方公里）"), max_digits=10, decimal_places=3, null=True, blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    scope_field = "path"  # the node's own path is its scope (core.policy)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ("path",)
        indexes = [models.Index(fields=["level", "path"], name="division_level_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_path(self) -> str:
        return self.path

    @property
    def national_code(self) -> str:
        """The 12-digit statistical code (grids keep their 15-digit grid code)."""
        return self.code


class Designation(models.Model):
    """社区划定、调整、撤并记录 (R3.2): every change to a node, with basis figures and effective date, kept."""

    class Action(models.TextChoices):
        DESIGNATE = "designate", _("划定")
        ADJUST = "adjust", _("调整")
        RENAME = "rename", _("更名")
        MERGE = "merge", _("撤并")
        ABOLISH = "abolish", _("撤销")

    division = models.ForeignKey(
        Division, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="designations"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    action = models.CharField(_("事项"), max_length=12, choices=Action.choices)
    effective_on = models.DateField(_("生效日期"))
    document = models.CharField(_("文件依据（文号）"), max_length=120, blank=True)
    reason = models.TextField(_("理由"), max_length=2000, blank=True)
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    area_km2 = models.DecimalField(_("面积（平方公里）"), max_digits=10, decimal_places=3, null=True, blank=True)
    capacity_note = models.CharField(_("服务管理能力说明"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        Division, verbose_name=_("并入"), null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )
    previous = models.JSONField(_("调整前"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("划定调整记录")
        verbose_name_plural = _("划定调整记录")
        ordering = ("-effective_on", "-id")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.division}"


class ResidentialComplex(models.Model):
    """小区: a residential complex inside a community, optionally inside one grid."""

    code = models.CharField(_("小区编码"), max_length=20, unique=True)
    name = models.CharField(_("小区名称"), max_length=80)
    division = models.ForeignKey(
        Division, verbose_name=_("所属社区/网格"), on_delete=models.PROTECT, related_name="complexes"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    built_year = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    has_property_service = models.BooleanField(_("有物业服务"), default=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ("scope_path", "code")

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """楼栋 in a complex."""

    complex = models.ForeignKey(
        ResidentialComplex, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="buildings"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    number = models.CharField(_("楼栋号"), max_length=20)
    units = models.PositiveSmallIntegerField(_("单元数"), default=1)
    floors = models.PositiveSmallIntegerField(_("层数"), default=6)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ("complex", "number")
        constraints = [models.UniqueConstraint(fields=["complex", "number"], name="building_unique_number")]

    def __str__(self) -> str:
        return f"{self.complex} {self.number}"
