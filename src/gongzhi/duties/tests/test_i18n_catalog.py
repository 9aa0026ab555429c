"""The duties app keeps its English in its own catalog (duties/locale), which web/tests/test_i18n.py checks for
coverage and compilation with every other catalog; here: the public page really speaks English."""

import pytest
from django.test import Client
from django.utils import translation


@pytest.mark.django_db
def test_the_public_list_speaks_english_when_asked(deyang: None) -> None:
    try:
        page = Client().get("/duties/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    finally:
        translation.activate("zh-hans")
    assert "Community duty list" in page and "社区权责事项清单" not in page
