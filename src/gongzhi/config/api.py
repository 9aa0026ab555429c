"""The JSON API at /api/v1: every domain's router mounted from its manifest, one auth set and one error shape."""

from django.utils.module_loading import import_string
from ninja import NinjaAPI

from gongzhi.core.api import install_error_handlers
from gongzhi.people.auth import API_AUTH
from gongzhi.regulation.registry import manifests


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="共治 Gongzhi API",
        version="1",
        description="德阳市社区治理条例 community-governance platform. Errors: {code, message, fields}.",
        auth=API_AUTH,
        urls_namespace="api",
        openapi_url="/openapi.json",
        docs_url="/docs",
    )
    install_error_handlers(api)
    for m in sorted(manifests(), key=lambda m: m.app_label):
        if m.api_router:
            api.add_router(f"/{m.app_label}/", import_string(m.api_router))
    return api


api = build_api()
