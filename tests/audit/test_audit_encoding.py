"""The signed text is byte-identical however it is built: old chains keep verifying."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from app.audit.stored import mac_message, signed_json

_REFERENCE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_COLUMN = st.one_of(st.none(), st.integers(), st.text())


@given(st.lists(_COLUMN, min_size=15, max_size=15).map(tuple))
def test_the_fast_encoder_writes_what_json_writes(texts: tuple[object, ...]) -> None:
    assert signed_json(texts) == _REFERENCE(texts)
    assert mac_message(texts) == _REFERENCE(texts).encode()


def test_escapes_and_non_ascii_match() -> None:
    texts = ("k1", '{"a":"\\"q\\""}', 2**70, None, "\x00\x1f\u2028é😀\t\n\\")
    assert signed_json(texts) == _REFERENCE(texts)
