import pytest


@pytest.fixture
def member(sc_login):
    """An ordinary signed-in community member."""
    return sc_login()
