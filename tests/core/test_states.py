from enum import StrEnum

import pytest

from core.errors import ConflictError, IllegalTransitionError
from core.states import StateMachine


class Light(StrEnum):
    OFF = "off"
    ON = "on"
    BROKEN = "broken"


LIGHT = StateMachine("light", {Light.OFF: {Light.ON}, Light.ON: {Light.OFF, Light.BROKEN}, Light.BROKEN: set()})


def test_allowed_moves_pass():
    assert LIGHT.check(Light.OFF, Light.ON) is Light.ON
    assert LIGHT.allowed(Light.ON) == {Light.OFF, Light.BROKEN}


def test_an_illegal_move_raises_a_named_conflict():
    with pytest.raises(IllegalTransitionError) as caught:
        LIGHT.check(Light.BROKEN, Light.ON)
    assert isinstance(caught.value, ConflictError)
    assert caught.value.current == "broken" and caught.value.target == "on"
    assert "light" in str(caught.value)


def test_final_states_have_no_way_out():
    assert LIGHT.is_final(Light.BROKEN)
    assert not LIGHT.is_final(Light.OFF)


def test_a_table_that_forgets_a_state_is_rejected():
    with pytest.raises(ValueError, match="broken"):
        StateMachine("light", {Light.OFF: {Light.ON}, Light.ON: {Light.BROKEN}})
