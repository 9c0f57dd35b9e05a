"""REST endpoints of the register: /api/v1/assets/, /api/v1/systems/ and /api/v1/findings/.

They go through the same access helpers and services as the web pages, so permissions, consistency
checks and the audit trail are identical.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from mamori.api.base import MamoriViewSetMixin
from mamori.assets import consistency, services
from mamori.assets.access import MANAGE, VIEW, VIEW_SYSTEMS, get_asset_for, get_system_for, visible_assets
from mamori.assets.models import Asset, Axis, Level, System, Zone
from mamori.core.models import Person, Unit
from mamori.core.permissions import can, filter_visible
from mamori.policies.models import StandardSection


@extend_schema_field(OpenApiTypes.STR)
class LevelField(serializers.Field):
    """A level given by its code (e.g. "3B") in the active scheme for one axis."""

    def __init__(self, axis: Axis, **kwargs: object) -> None:
        self.axis = axis
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_representation(self, value: Level) -> str:
        return value.code

    def to_internal_value(self, data: object) -> Level:
        if not isinstance(data, str):
            raise ValidationError("区分コードを文字列で指定してください。")
        level = Level.objects.filter(scheme__is_active=True, axis=self.axis.value, code=data).first()
        if level is None:
            raise ValidationError(
                f"「{data[:20]}」は使用中の分類基準の{self.axis.label}の区分ではありません。"
            )
        return level


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="規則のコード")
    title = serializers.CharField()
    detail = serializers.CharField()
    fix = serializers.CharField(help_text="対処の方法")
    asset = serializers.IntegerField(allow_null=True)
    system = serializers.IntegerField(allow_null=True)


def _finding_data(finding: consistency.Finding) -> dict[str, object]:
    return {
        "rule": finding.rule.code,
        "title": finding.rule.title,
        "detail": finding.detail,
        "fix": finding.rule.fix,
        "asset": finding.asset.pk if finding.asset else None,
        "system": finding.system.pk if finding.system else None,
    }


def _slug(queryset: QuerySet, field: str, **kwargs: object) -> serializers.SlugRelatedField:  # type: ignore[type-arg]
    return serializers.SlugRelatedField(slug_field=field, queryset=queryset, **kwargs)  # type: ignore[arg-type]


class AssetSerializer(serializers.ModelSerializer):
    code = serializers.RegexField(r"^[0-9A-Za-z_.\-]{1,40}$", required=False, help_text="空なら自動で採番")
    unit = _slug(Unit.objects.filter(is_active=True), "code")
    owner = _slug(Person.objects.all(), "employee_number", required=False, allow_null=True)
    systems = _slug(System.objects.all(), "code", many=True, required=False)
    zone = _slug(Zone.objects.all(), "code", required=False, allow_null=True)
    sections = _slug(StandardSection.objects.filter(is_active=True), "code", many=True, required=False)
    confidentiality = LevelField(Axis.CONFIDENTIALITY, required=False, allow_null=True)
    integrity = LevelField(Axis.INTEGRITY, required=False, allow_null=True)
    availability = LevelField(Axis.AVAILABILITY, required=False, allow_null=True)
    classified_by: serializers.SlugRelatedField = serializers.SlugRelatedField(  # type: ignore[type-arg]
        slug_field="username", read_only=True
    )
    findings = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "form",
            "unit",
            "owner",
            "systems",
            "zone",
            "room",
            "cabinet",
            "quantity",
            "has_personal_data",
            "has_sensitive_personal_data",
            "has_my_number",
            "retention",
            "sections",
            "notes",
            "confidentiality",
            "integrity",
            "availability",
            "classified_at",
            "classified_by",
            "findings",
            "updated_at",
        ]
        read_only_fields = ["classified_at", "updated_at"]

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, asset: Asset) -> list[dict[str, object]]:
        return [_finding_data(f) for f in consistency.findings_of_asset(asset)]

    def validate_code(self, value: str) -> str:
        clash = Asset.objects.filter(code=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("この資産番号は既に使われています。")
        return value

    def save_with(self, instance: Asset | None, actor: object) -> Asset:
        data = dict(self.validated_data)
        systems = data.pop("systems", None)
        sections = data.pop("sections", None)
        try:
            return services.save_asset(instance, actor=actor, values=data, systems=systems, sections=sections)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


class SystemSerializer(serializers.ModelSerializer):
    code = serializers.RegexField(r"^[0-9A-Za-z_.\-]{1,40}$", required=False, help_text="空なら自動で採番")
    unit = _slug(Unit.objects.filter(is_active=True), "code")
    zone = _slug(Zone.objects.all(), "code", required=False, allow_null=True)
    manager = _slug(Person.objects.all(), "employee_number", required=False, allow_null=True)
    findings = serializers.SerializerMethodField()

    class Meta:
        model = System
        fields = ["id", "code", "name", "unit", "zone", "manager", "description", "findings"]

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, system: System) -> list[dict[str, object]]:
        return [_finding_data(f) for f in consistency.findings_of_system(system)]

    def validate_code(self, value: str) -> str:
        clash = System.objects.filter(code=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("このシステム番号は既に使われています。")
        return value

    def save_with(self, instance: System | None, actor: object) -> System:
        try:
            return services.save_system(instance, actor=actor, values=dict(self.validated_data))
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


_ASSET_FILTERS = [
    OpenApiParameter("unit", str, description="所管課コード（下位組織を含む）"),
    OpenApiParameter("kind", str, enum=Asset.Kind.values),
    OpenApiParameter("has_my_number", bool),
    OpenApiParameter("has_findings", bool),
]


class AssetViewSet(MamoriViewSetMixin, viewsets.ModelViewSet):
    """Information assets the caller may see; changes need the manage permission on the asset's unit."""

    serializer_class = AssetSerializer
    queryset = Asset.objects.none()

    def get_queryset(self) -> QuerySet[Asset]:
        assets = (
            visible_assets(self.request.user)
            .select_related(
                "unit", "owner", "zone", "confidentiality", "integrity", "availability", "classified_by"
            )
            .prefetch_related("systems__zone", "sections")
        )
        params = self.request.query_params
        if params.get("unit"):
            unit = Unit.objects.filter(code=params["unit"]).first()
            assets = assets.filter(unit__path__startswith=unit.path) if unit else assets.none()
        if params.get("kind"):
            assets = assets.filter(kind=params["kind"])
        if params.get("has_my_number") in ("true", "false"):
            assets = assets.filter(has_my_number=params["has_my_number"] == "true")
        if params.get("has_findings") == "true":
            assets = assets.filter(finding_count__gt=0)
        elif params.get("has_findings") == "false":
            assets = assets.filter(finding_count=0)
        return assets.order_by("code", "pk")

    @extend_schema(parameters=_ASSET_FILTERS)
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().list(request, *args, **kwargs)

    def get_object(self) -> Asset:
        action = VIEW if self.request.method in ("GET", "HEAD", "OPTIONS") else MANAGE
        return get_asset_for(self.request.user, self.kwargs["pk"], action)

    def perform_create(self, serializer: AssetSerializer) -> None:  # type: ignore[override]
        serializer.instance = serializer.save_with(None, self.request.user)

    def perform_update(self, serializer: AssetSerializer) -> None:  # type: ignore[override]
        serializer.instance = serializer.save_with(serializer.instance, self.request.user)

    def perform_destroy(self, instance: Asset) -> None:
        services.delete_asset(instance, actor=self.request.user)


class SystemViewSet(MamoriViewSetMixin, viewsets.ModelViewSet):
    """Information systems and their zones (readable by all staff; changed by the owning unit)."""

    serializer_class = SystemSerializer
    queryset = System.objects.none()

    def get_queryset(self) -> QuerySet[System]:
        if not can(self.request.user, VIEW_SYSTEMS):
            return System.objects.none()
        return System.objects.select_related("unit", "zone", "manager").order_by("code")

    def get_object(self) -> System:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return get_system_for(self.request.user, self.kwargs["pk"])
        return get_system_for(self.request.user, self.kwargs["pk"], MANAGE)

    def perform_create(self, serializer: SystemSerializer) -> None:  # type: ignore[override]
        serializer.instance = serializer.save_with(None, self.request.user)

    def perform_update(self, serializer: SystemSerializer) -> None:  # type: ignore[override]
        serializer.instance = serializer.save_with(serializer.instance, self.request.user)

    def perform_destroy(self, instance: System) -> None:
        try:
            services.delete_system(instance, actor=self.request.user)
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from exc


class FindingViewSet(MamoriViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Consistency findings on the assets and systems the caller may see."""

    serializer_class = FindingSerializer
    queryset = Asset.objects.none()

    @extend_schema(parameters=[OpenApiParameter("rule", str, enum=list(consistency.RULES))])
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        rule = request.query_params.get("rule", "")
        assets = visible_assets(request.user).filter(finding_count__gt=0)
        systems = filter_visible(System.objects.exclude(finding_codes=""), request.user, VIEW)
        if rule:
            assets = assets.filter(finding_codes__contains=f",{rule},")
            systems = systems.filter(finding_codes__contains=f",{rule},")  # type: ignore[attr-defined]
        page = self.paginate_queryset(
            assets.select_related("owner", "zone", "confidentiality")
            .prefetch_related("systems__zone")
            .order_by("code")
        )
        # Systems' findings lead the first page only; the pages themselves count assets.
        first_page = not getattr(self.paginator, "offset", 0)
        rows = [f for s in systems for f in consistency.findings_of_system(s)] if first_page else []  # type: ignore[attr-defined]
        rows += [f for a in page or [] for f in consistency.findings_of_asset(a)]
        if rule:
            rows = [f for f in rows if f.rule.code == rule]
        return self.get_paginated_response([_finding_data(f) for f in rows])


def register(router: BaseRouter) -> None:
    """Add the register's endpoints to the API router."""
    router.register("assets", AssetViewSet, basename="asset")
    router.register("systems", SystemViewSet, basename="system")
    router.register("findings", FindingViewSet, basename="finding")
