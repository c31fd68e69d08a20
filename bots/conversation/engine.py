"""The conversation engine: (stored state, text typed) -> (new state, replies).

Channel-agnostic and free of I/O of its own: everything outside (agency
register, complaints, call-backs) goes through the ``Effects`` it is given.
State is a small JSON-able dict stored on the Conversation:
``{"lang": "my"|"en"|"", "zawgyi": bool, "step": str, "data": {...}}``.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from agencies.wording import verdict_lines
from bots.conversation import messages as m
from bots.conversation import words
from bots.conversation.effects import ComplaintIntake, Effects
from complaints.choices import SENSITIVE_GRIEVANCES
from helpdesk.choices import Topic
from helpdesk.text import PhoneAmbiguous, parse_amount, parse_phone, phone_display

FLOWS = {
    "callback": ["cb_consent", "cb_name", "cb_phone", "cb_centre", "cb_topic"],
    "complaint": ["c_centre", "c_consent", "c_name", "c_gender", "c_phone", "c_party", "c_country", "c_grievance", "c_story", "c_amount", "c_confirm"],
}
# A call-back asked about these topics makes the conversation sensitive (as these grievances make a case sensitive).
SENSITIVE_TOPICS = frozenset({Topic.ABUSE})


@dataclass
class Turn:
    state: dict
    replies: list[str] = field(default_factory=list)
    raw: str = ""  # the message as typed, before any conversion


def new_state() -> dict:
    return {"lang": "", "zawgyi": False, "step": "", "data": {}}


def respond(state: dict | None, text: str | None, effects: Effects) -> Turn:
    """Answer one inbound message; the given state is not modified."""
    state = {**new_state(), **copy.deepcopy(state or {})}
    raw = (text or "").strip()
    text, encoding, state["zawgyi"] = words.read(text, zawgyi_known=state["zawgyi"])
    if words.sensitive_word(text, effects.sensitive_words()):
        # Flagged before anything else: the migrant may cancel or stop, the transcript keeps what they said.
        effects.flag_sensitive()
    turn = Turn(state, raw=raw)
    _dispatch(turn, text, encoding, effects)
    return turn


def _say(turn: Turn, message, **params) -> None:
    turn.replies.append(m.render(message, turn.state["lang"], **params))


def _go(turn: Turn, step: str, effects: Effects) -> None:
    turn.state["step"] = step
    turn.replies.append(_question(step, turn.state["lang"], effects))


def _to_menu(turn: Turn) -> None:
    turn.state.update(step="menu", data={})
    _say(turn, m.MENU)


def _dispatch(turn: Turn, text: str, encoding: str | None, effects: Effects) -> None:
    state = turn.state
    kw = words.keyword(text)
    if kw == "stop":
        state.update(step="", data={})
        _say(turn, m.STOPPED)
        return
    if state["step"] == "lang" or kw == "language":
        choice = _language(text) if kw != "language" else None
        if choice:
            state["lang"] = choice
            if choice == "en":
                _say(turn, m.LANGUAGE_SET)
            _to_menu(turn)
        else:
            state["step"] = "lang"
            turn.replies.append(m.CHOOSE_LANGUAGE)
        return
    if not state["lang"]:
        state["step"] = "lang"
        _say(turn, m.WELCOME)
        turn.replies.append(m.CHOOSE_LANGUAGE)
        return
    if kw == "menu":
        _to_menu(turn)
        return
    if kw == "back":
        _back(turn, effects)
        return
    step = state["step"]
    if step in ("", "menu"):
        _menu_choice(turn, text, effects)
    elif step == "handover":
        return  # staff answer from the inbox; the bot stays quiet
    elif step == "agency":
        _agency_answer(turn, text, encoding, effects)
    elif step.endswith("_phone_country"):
        _phone_country_answer(turn, step, text, effects)
    else:
        _flow_answer(turn, step, text, effects)


def _language(text: str) -> str | None:
    word = text.strip().casefold()
    if words.number(text) == 1 or word in words.BURMESE_WORDS:
        return "my"
    if words.number(text) == 2 or word in words.ENGLISH_WORDS:
        return "en"
    return None


def _menu_choice(turn: Turn, text: str, effects: Effects) -> None:
    choice = words.number(text)
    if choice == 1:
        effects.topic("agency_check")
        turn.state["step"] = "agency"
        _say(turn, m.AGENCY_ASK)
    elif choice == 2:
        turn.state["data"] = {}
        _go(turn, "cb_consent", effects)
    elif choice == 3:
        turn.state["data"] = {}
        # A complaint is a case of one centre: ask which when the conversation has none yet.
        _go(turn, "c_consent" if effects.centre() else "c_centre", effects)
    elif choice == 4:
        effects.hand_over()
        turn.state["step"] = "handover"
        _say(turn, m.HANDOVER, centre=_centre_label(turn, effects))
    elif choice == 5:
        turn.state["step"] = "lang"
        turn.replies.append(m.CHOOSE_LANGUAGE)
    else:
        if turn.state["step"] == "menu" and not words.is_greeting(text):
            _say(turn, m.NOT_UNDERSTOOD)
        _to_menu(turn)


def _back(turn: Turn, effects: Effects) -> None:
    step = turn.state["step"]
    if step.endswith("_phone_country"):
        _go(turn, step.removesuffix("_country"), effects)
        return
    for steps in FLOWS.values():
        if step in steps:
            index = steps.index(step)
            if index == 0 or (steps[index - 1] == "c_centre" and "centre" not in turn.state["data"]):
                _to_menu(turn)  # the centre question was skipped: the conversation already had one
            else:
                _go(turn, steps[index - 1], effects)
            return
    if step in ("menu", ""):
        turn.state["step"] = "lang"
        turn.replies.append(m.CHOOSE_LANGUAGE)
    else:
        _to_menu(turn)


def _centre_label(turn: Turn, effects: Effects) -> str:
    centre = effects.centre()
    return centre.label(turn.state["lang"]) if centre else str(m.render(m.NOT_GIVEN, turn.state["lang"]))


# Licence check -----------------------------------------------------------------

def _agency_answer(turn: Turn, text: str, encoding: str | None, effects: Effects) -> None:
    """Render the register's verdict (decided in agencies.verdict), then the centre's phone."""
    lang = turn.state["lang"]
    if not text:
        _say(turn, m.AGENCY_ASK)
        return
    if encoding and words.sure_encoding(turn.raw, zawgyi_known=turn.state["zawgyi"]) is None:
        # Short Burmese the detector is unsure of ("အမြဲစိမ်း" scores 0.67 as Zawgyi): the verdict
        # reads it both ways rather than trusting a guess.
        verdict = effects.agency_verdict(turn.raw, encoding_hint=None)
    else:
        # ``text`` is already Unicode (converted with the conversation's memory of Zawgyi): not again.
        verdict = effects.agency_verdict(text, encoding_hint="unicode" if encoding else None)
    lines = verdict_lines(verdict, lang)
    centre = effects.centre()
    if centre and centre.phone:
        lines.append(m.render(m.AGENCY_CALL, lang, centre=centre.label(lang), phone=centre.phone))
    else:
        lines.append(m.render(m.AGENCY_CALL_NO_PHONE, lang, centre=_centre_label(turn, effects)))
    turn.replies.append("\n".join(lines))
    _say(turn, m.AGENCY_MORE)


# Call-back and complaint: one question per step ---------------------------------

def _question(step: str, lang: str, effects: Effects) -> str:
    if step in CONSENT_STEPS:
        return m.render(m.CONSENT_ASK, lang)
    if step in ("cb_name", "c_name"):
        return m.render(m.ASK_NAME, lang)
    if step in ("cb_phone", "c_phone"):
        return m.render(m.ASK_PHONE, lang)
    if step in ("cb_centre", "c_centre"):
        options = [(c.code, c.label(lang)) for c in effects.centres()]
        return m.render(m.ASK_CENTRE, lang) + "\n" + m.numbered(options, lang)
    if step == "cb_topic":
        return m.render(m.ASK_TOPIC, lang) + "\n" + m.numbered(m.TOPICS, lang)
    if step == "c_gender":
        return m.render(m.ASK_GENDER, lang)
    if step == "c_party":
        return m.render(m.ASK_PARTY, lang)
    if step == "c_country":
        return m.render(m.ASK_COUNTRY, lang) + "\n" + m.numbered(m.COUNTRIES, lang)
    if step == "c_grievance":
        return m.render(m.ASK_GRIEVANCE, lang) + "\n" + m.numbered(m.GRIEVANCES, lang)
    if step == "c_story":
        return m.render(m.ASK_STORY, lang)
    if step == "c_amount":
        return m.render(m.ASK_AMOUNT, lang)
    raise ValueError(step)


def _pick(text: str, options: list) -> str | None:
    choice = words.number(text)
    if choice is None or not 1 <= choice <= len(options):
        return None
    return options[choice - 1][0] if isinstance(options[choice - 1], tuple) else options[choice - 1]


def _label(options, code: str, lang: str) -> str:
    return next((m.render(label, lang) for c, label in options if c == code), code)


def _flow_answer(turn: Turn, step: str, text: str, effects: Effects) -> None:
    data, lang = turn.state["data"], turn.state["lang"]
    flow = next(name for name, steps in FLOWS.items() if step in steps)
    steps = FLOWS[flow]
    error = None
    if step in CONSENT_STEPS:
        _consent_answer(turn, flow, text, effects)
        return
    if _consent_missing(turn, flow, step, effects):
        return
    if step in ("cb_name", "c_name"):
        data["name"] = "" if words.is_skip(text) else text[:200]
    elif step in ("cb_phone", "c_phone"):
        if step == "c_phone" and words.is_skip(text):
            data["phone"] = ""
        else:
            try:
                data["phone"] = parse_phone(text)
            except PhoneAmbiguous as ambiguous:
                # Valid in both plans (081 234 5678): ask once instead of guessing.
                data["phone_readings"] = ambiguous.readings
                turn.state["step"] = f"{step}_country"
                _say(turn, m.ASK_THAI_NUMBER)
                return
            except ValueError:
                error = m.PHONE_INVALID
    elif step in ("cb_centre", "c_centre"):
        centres = [(c.code, c.label(lang)) for c in effects.centres()]
        data["centre"] = _pick(text, centres)
        error = None if data["centre"] else m.NOT_UNDERSTOOD
        if data["centre"] and step == "c_centre":
            effects.choose_centre(data["centre"])
    elif step == "cb_topic":
        choice = words.number(text)
        if choice is None or not 1 <= choice <= len(m.TOPICS):
            error = m.NOT_UNDERSTOOD
        else:
            data["topic"] = m.TOPICS[choice - 1][0]
            if data["topic"] in SENSITIVE_TOPICS:
                effects.flag_sensitive()
    elif step == "c_gender":
        data["gender"] = _pick(text, m.GENDERS)
        error = None if data["gender"] else m.NOT_UNDERSTOOD
    elif step == "c_party":
        data["party"] = "" if words.is_skip(text) else text[:200]
    elif step == "c_country":
        data["country"] = _pick(text, m.COUNTRIES)
        error = None if data["country"] else m.NOT_UNDERSTOOD
    elif step == "c_grievance":
        data["grievance"] = _pick(text, m.GRIEVANCES)
        error = None if data["grievance"] else m.NOT_UNDERSTOOD
        if data["grievance"] in SENSITIVE_GRIEVANCES:
            effects.flag_sensitive()  # now, not when the case is confirmed: it stays so if they cancel
    elif step == "c_story":
        data["story"] = text[:4000]
        error = None if text else m.ASK_STORY
    elif step == "c_amount":
        try:
            amount = None if words.is_skip(text) else parse_amount(text)
        except ValueError:  # unreadable or readable two ways (1.500): ask again with an example
            amount, error = None, m.AMOUNT_INVALID
        data["amount"] = str(amount) if amount else ""
    elif step == "c_confirm":
        _complaint_confirm(turn, text, effects)
        return
    if error:
        _say(turn, error)
        turn.replies.append(_question(step, lang, effects))
        return
    if step == steps[-1] and flow == "callback":
        _callback_done(turn, effects)
    elif step == "c_amount":
        turn.state["step"] = "c_confirm"
        _say(turn, m.CONFIRM, **_summary(data, lang))
    else:
        _go(turn, steps[steps.index(step) + 1], effects)


def _phone_country_answer(turn: Turn, step: str, text: str, effects: Effects) -> None:
    data = turn.state["data"]
    choice = words.number(text)
    word = text.strip().casefold()
    if choice == 1 or word in words.YES_WORDS or word in words.THAI_WORDS:
        country = "TH"
    elif choice == 2 or word in words.NO_WORDS or word in words.BURMESE_WORDS:
        country = "MM"
    else:
        _say(turn, m.NOT_UNDERSTOOD)
        _say(turn, m.ASK_THAI_NUMBER)
        return
    data["phone"] = data.pop("phone_readings", {}).get(country, "")
    phone_step = step.removesuffix("_country")
    if not data["phone"]:  # the readings were lost (an old state): ask for the number again
        _go(turn, phone_step, effects)
        return
    flow = next(name for name, steps in FLOWS.items() if phone_step in steps)
    steps = FLOWS[flow]
    if phone_step == steps[-1] and flow == "callback":
        _callback_done(turn, effects)
    else:
        _go(turn, steps[steps.index(phone_step) + 1], effects)


def _callback_done(turn: Turn, effects: Effects) -> None:
    data = turn.state["data"]
    effects.request_callback(name=data["name"], phone=data["phone"], centre_code=data["centre"], topic=data.get("topic", ""))
    _say(turn, m.CALLBACK_DONE, centre=_centre_label(turn, effects), phone=phone_display(data["phone"]))
    turn.state.update(step="menu", data={})
    _say(turn, m.AGAIN)


def _summary(data: dict, lang: str) -> dict:
    not_given = m.render(m.NOT_GIVEN, lang)
    amount = f"{parse_amount(data['amount']):,.0f}" if data.get("amount") else "0"
    return {
        "name": data.get("name") or not_given,
        "phone": phone_display(data.get("phone")) or not_given,
        "party": data.get("party") or not_given,
        "country": _label(m.COUNTRIES, data.get("country", ""), lang),
        "grievance": _label(m.GRIEVANCES, data.get("grievance", ""), lang),
        "amount": amount,
    }


def _complaint_confirm(turn: Turn, text: str, effects: Effects) -> None:
    data, lang = turn.state["data"], turn.state["lang"]
    choice = words.number(text)
    if choice == 2:
        turn.state.update(step="menu", data={})
        _say(turn, m.COMPLAINT_CANCELLED)
        _say(turn, m.AGAIN)
        return
    if choice != 1 and text.strip().casefold() not in words.YES_WORDS:
        _say(turn, m.NOT_UNDERSTOOD)
        _say(turn, m.CONFIRM, **_summary(data, lang))
        return
    intake = ComplaintIntake(
        name=data.get("name", ""), gender=data["gender"], phone=data.get("phone", ""),
        party=data.get("party", ""), country=data.get("country", ""), grievance=data.get("grievance", "other"),
        story=data.get("story", ""), amount=parse_amount(data["amount"]) if data.get("amount") else None,
    )
    reference = effects.open_complaint(intake)
    _say(turn, m.COMPLAINT_DONE, reference=reference, centre=_centre_label(turn, effects))
    turn.state.update(step="menu", data={})
    _say(turn, m.AGAIN)


# Consent: asked before the first personal question of the call-back and complaint flows ----------

CONSENT_STEP = {"callback": "cb_consent", "complaint": "c_consent"}
CONSENT_STEPS = frozenset(CONSENT_STEP.values())


def _consent_answer(turn: Turn, flow: str, text: str, effects: Effects) -> None:
    """"1"/yes goes on to the personal questions; "2"/no keeps nothing and says what still works without them."""
    answer = words.yes_no(text)
    if answer is None:
        _say(turn, m.NOT_UNDERSTOOD)
        _go(turn, CONSENT_STEP[flow], effects)
        return
    if answer:
        turn.state["data"]["consent"] = True
        steps = FLOWS[flow]
        _go(turn, steps[steps.index(CONSENT_STEP[flow]) + 1], effects)
        return
    turn.state.update(step="menu", data={})
    _say(turn, m.CONSENT_NO_CALLBACK if flow == "callback" else m.CONSENT_NO_COMPLAINT)
    _say(turn, m.MENU)


def _consent_missing(turn: Turn, flow: str, step: str, effects: Effects) -> bool:
    """A flow begun before consent was asked (a state saved by an older version) asks it now, before anything is kept."""
    steps = FLOWS[flow]
    if turn.state["data"].get("consent") or steps.index(step) < steps.index(CONSENT_STEP[flow]):
        return False
    _go(turn, CONSENT_STEP[flow], effects)
    return True
