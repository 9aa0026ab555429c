"""Resident notices through one pluggable channel (SMS and WeChat adapters behind the same interface).

`settings.GONGZHI_APPEAL_NOTICE_CHANNEL` names the channel class (default: the file channel, which appends JSON lines
under VAR_DIR; the console channel logs). A notice row is written in the step's transaction and delivered after commit
by a background task, so a rolled-back step never messages anyone.
"""

import json
import logging
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from gongzhi.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)
DEFAULT_CHANNEL = "gongzhi.appeals.notify.FileChannel"


class NoticeChannel(Protocol):
    name: str

    def send(self, *, to_user: Any, to_mobile: str, message: str) -> None: ...


class ConsoleChannel:
    name = "console"

    def send(self, *, to_user: Any, to_mobile: str, message: str) -> None:
        who = getattr(to_user, "username", "") or (to_mobile[:3] + "****" + to_mobile[-4:] if to_mobile else "-")
        logger.info("appeal notice to %s: %s", who, message)


class FileChannel:
    """Appends one JSON line per notice to VAR_DIR/notices/appeals.jsonl (demo and tests read it)."""

    name = "file"

    def path(self) -> Path:
        return Path(settings.VAR_DIR) / "notices" / "appeals.jsonl"

    def send(self, *, to_user: Any, to_mobile: str, message: str) -> None:
        target = self.path()
        target.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "at": timezone.now().isoformat(),
            "user": getattr(to_user, "username", ""),
            "mobile": (to_mobile[:3] + "****" + to_mobile[-4:]) if to_mobile else "",
            "message": message,
        }
        with target.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


class _GatewayChannel:
    """Base of the SMS and WeChat adapters: they need a gateway configured by the operator; without one they refuse
    loudly instead of dropping notices."""

    name = "gateway"
    setting = ""

    def send(self, *, to_user: Any, to_mobile: str, message: str) -> None:
        gateway = getattr(settings, self.setting, "")
        if not gateway:
            raise ImproperlyConfigured(f"{self.setting} is not set; choose another GONGZHI_APPEAL_NOTICE_CHANNEL")
        import urllib.request

        body = json.dumps({"mobile": to_mobile, "openid": getattr(to_user, "username", ""), "text": message})
        request = urllib.request.Request(  # noqa: S310 - operator-configured https gateway
            gateway, data=body.encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()


class SmsChannel(_GatewayChannel):
    name = "sms"
    setting = "GONGZHI_SMS_GATEWAY_URL"


class WeChatChannel(_GatewayChannel):
    name = "wechat"
    setting = "GONGZHI_WECHAT_GATEWAY_URL"


def channel() -> NoticeChannel:
    path = getattr(settings, "GONGZHI_APPEAL_NOTICE_CHANNEL", DEFAULT_CHANNEL)
    instance: NoticeChannel = import_string(path)()
    return instance


def resident(*, appeal: Any, message: str) -> None:
    """Queue a notice to the appeal's resident (account and/or mobile); called inside the step's transaction."""
    from .models import Notice

    if appeal.resident_id is None and not appeal.contact_mobile_cipher:
        return
    notice = Notice.objects.create(
        appeal=appeal, recipient_id=appeal.resident_id, message=str(message)[:300], channel=channel().name
    )
    from .tasks import deliver_notice

    enqueue_on_commit(deliver_notice, notice.pk)


def deliver(notice_id: int) -> None:
    from .models import Notice
    from .services import mobile_of

    notice = Notice.objects.select_related("appeal", "recipient").filter(pk=notice_id, sent_at=None).first()
    if notice is None:
        return
    channel().send(to_user=notice.recipient, to_mobile=mobile_of(notice.appeal), message=notice.message)
    Notice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
