"""Staff take over a conversation and hand it back: the flow in progress waits, then goes on."""
from __future__ import annotations

import copy

from bots.conversation import messages as m
from bots.conversation.effects import Effects
from bots.conversation.engine import Turn, ask_current, new_state


def pause_for_staff(state: dict | None) -> dict:
    """Return the state once staff answer: the bot goes quiet, the flow and its answers are kept for later."""
    state = {**new_state(), **copy.deepcopy(state or {})}
    if state["step"] != "handover":
        if state["step"] not in ("", "menu", "lang"):
            state["paused"] = {"step": state["step"], "data": state["data"]}
        state["step"] = "handover"
    return state


def resume(state: dict | None, effects: Effects, *, channel: str = "") -> Turn:
    """Staff hand the conversation back: continue the paused flow where it was, else the menu."""
    state = {**new_state(), **copy.deepcopy(state or {})}
    turn = Turn(state, channel=channel)
    paused = state.pop("paused", None)
    if state["step"] != "handover":
        return turn  # the migrant already left the hand-over (typed "menu"): nothing to resume
    if not paused:
        state.update(step="menu", data={})
        return turn
    state.update(step=paused["step"], data=paused["data"])
    turn.replies.append(m.render(m.wording(m.BOT_BACK, channel), state["lang"]))
    ask_current(turn, effects)
    return turn
