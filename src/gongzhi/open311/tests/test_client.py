"""An unmodified Open311 client library from PyPI (`georeport`, the one that works on Python 3.11) lists the services
and reads back a request posted through /open311/v2/requests.json, against a live server."""

from typing import Any

import pytest
import requests
from georeport import GeoReport

from gongzhi.appeals.models import Appeal, Channel

from .conftest import World

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clause("R14.3")]


def test_georeport_client_lists_services_and_reads_back_a_posted_request(live_server: Any, world: World) -> None:
    root = f"{live_server.url}/open311/v2"
    client = GeoReport(root, api_key=world.plaintext)
    services = client.get_service_list()
    lamp = next(s for s in services if s["service_code"] == "CS-05")
    assert lamp["service_name"] == "路灯照明"
    definition = client.get_service_definition("CS-05")
    assert definition["attributes"][0]["code"] == "appeal_type"

    # georeport 0.3 has no POST method; the spec's form-encoded POST, as any client sends it
    posted = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": world.plaintext,
            "service_code": "CS-05",
            "address_id": world.community.code,
            "description": "泰山北路路灯不亮三天了，晚上很黑。",
        },
        headers={"Idempotency-Key": "live-1"},
        timeout=30,
    )
    assert posted.status_code == 201, posted.text
    request_id = posted.json()[0]["service_request_id"]

    one = client.get_service_request(request_id)
    assert one["service_request_id"] == request_id
    assert one["service_code"] == "CS-05" and one["status"] == "open"
    listed = client.get_service_requests(service_request_id=request_id)
    assert [r["service_request_id"] for r in listed] == [request_id]
    assert request_id in {r["service_request_id"] for r in client.get_service_requests(status="open")}
    assert Appeal.objects.get(number=request_id).channel == Channel.OPEN311

    xml_client = GeoReport(root, output_format="xml")
    assert any(s["service_code"] == "CS-05" for s in xml_client.get_service_list())
    assert xml_client.get_service_request(request_id)["service_request_id"] == request_id
