"""The tests' search for a stored secret finds it where a merchant wrote it, and not in chance digits."""
import pytest

from tests.support.secrets import holds


@pytest.mark.parametrize("text", ['"text": "密码是870421"', '"text": "870421"', "pin870421，卡号", "870421#"])
def test_a_secret_as_written_is_found(text):
    assert holds(text, "870421")


@pytest.mark.parametrize("text", ['"message_id": "8704215c26994fe5b9fdb84e86aba6f4"',
                                  '"message_id": "c2a870421"', '"timestamp": 1796586036.870421',
                                  '"confidence": 0.99870421'])
def test_digits_inside_an_id_a_timestamp_or_a_confidence_are_not_the_secret(text):
    assert not holds(text, "870421")
