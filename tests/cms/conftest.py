"""Fixtures shared by the publishing tests of ``cms``."""

import pytest

from tests.webhooks import Receiver


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()
