"""The REST API under /api/v1/ (OpenAPI docs at /api/docs).

Other systems authenticate with a bearer token; a signed-in browser may use its session
(with CSRF). Errors always come back as {"detail": "<Chinese message>"}.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from fazhi.cases.errors import CaseError
from fazhi.core import audit
from fazhi.core.services import token_for


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = token_for(token)
        if found is None:
            audit.record(action="api.auth_failed", ip=request.META.get("REMOTE_ADDR", ""))
            return None
        request.user = found.user
        request.api_source = found.source
        return found.user


class HeaderTokenAuth(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key:  # no header at all: nothing to check, and nothing worth an audit entry
            return None
        return TokenAuth().authenticate(request, key)


api = NinjaAPI(
    title="fazhi API", version="1", urls_namespace="api", docs_url="/docs",
    description="法治政府建设平台接口：诉求受理、案件流转、统计。", auth=[TokenAuth(), HeaderTokenAuth(), django_auth],
)


def _field_path(loc) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "payload", "query", "path"))


MESSAGES = {
    "missing": "必填", "string_too_short": "不能为空或过短", "string_too_long": "过长",
    "int_parsing": "应为整数", "string_type": "应为文本", "json_invalid": "JSON 格式错误",
    "value_error": "取值无效", "int_type": "应为整数", "datetime_parsing": "日期时间格式错误",
    "datetime_from_date_parsing": "日期时间格式错误", "enum": "不在可选范围内", "literal_error": "不在可选范围内",
    "string_pattern_mismatch": "格式不正确", "greater_than_equal": "数值过小", "less_than_equal": "数值过大",
    "model_attributes_type": "格式错误", "dict_type": "应为对象",
}


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = []
    for err in exc.errors:
        field = _field_path(err.get("loc", ()))
        text = err.get("ctx", {}).get("error") if err.get("type") == "value_error" else None
        text = str(text) if text else MESSAGES.get(err.get("type", ""), "取值无效")
        errors.append({"field": field, "message": text})
    summary = "；".join(f"{e['field']}：{e['message']}" if e["field"] else e["message"] for e in errors)
    return api.create_response(request, {"detail": f"输入有误：{summary}", "errors": errors}, status=422)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    """Our own HttpErrors already carry Chinese; django-ninja's body-parse error does not."""
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        return api.create_response(request, {"detail": "输入有误：JSON 格式错误"}, status=422)
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(request, {"detail": "未认证：请提供有效的接口令牌"}, status=401)


@api.exception_handler(CaseError)
def on_case_error(request, exc: CaseError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.get("/health", auth=None, tags=["system"])
def health(request):
    from fazhi import __version__

    return {"status": "ok", "version": __version__}


def mount(router, prefix: str) -> None:
    api.add_router(prefix, router)
