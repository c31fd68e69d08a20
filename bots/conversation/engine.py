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
from complaints.choices import SENSITIVE_GRIEVANCES, Stage
from helpdesk.choices import Topic
from helpdesk.text import PhoneAmbiguous, parse_amount, parse_phone, phone_display

FLOWS = {
    "callback": ["cb_consent", "cb_name", "cb_phone", "cb_centre", "cb_topic"],
    "complaint": ["c_centre", "c_consent", "c_name", "c_gender", "c_phone", "c_party", "c_country", "c_grievance", "c_story", "c_amount", "c_confirm"],
}
# On SMS the sender's number is the phone, gender is not asked (undisclosed, never guessed), the
# answer to the amount sends the complaint and the consent is asked in the name question's message
# ("2" there keeps nothing): eight short messages instead of thirteen long ones.
SMS_SKIPS = frozenset({"c_gender", "c_phone", "c_confirm", "cb_consent", "c_consent"})
NAME_STEPS = frozenset({"cb_name", "c_name"})
# A call-back asked about these topics makes the conversation sensitive (as these grievances make a case sensitive).
SENSITIVE_TOPICS = frozenset({Topic.ABUSE})


@dataclass
class Turn:
    state: dict
    replies: list[str] = field(default_factory=list)
    raw: str = ""  # the message as typed, before any conversion
    channel: str = ""  # "sms" gets the short wording and the carrier's keywords


def new_state() -> dict:
    return {"lang": "", "zawgyi": False, "step": "", "data": {}}


def respond(state: dict | None, text: str | None, effects: Effects, attachments: list[str] | tuple = (), *, channel: str = "") -> Turn:
    """Answer one inbound message; the given state is not modified.

    ``attachments`` are the kinds of files sent with it (photo, voice, location, ...).
    """
    state = {**new_state(), **copy.deepcopy(state or {})}
    raw = (text or "").strip()
    text, encoding, state["zawgyi"] = words.read(text, zawgyi_known=state["zawgyi"])
    if words.sensitive_word(text, effects.sensitive_words()):
        # Flagged before anything else: the migrant may cancel or stop, the transcript keeps what they said.
        effects.flag_sensitive()
    turn = Turn(state, raw=raw, channel=channel)
    if channel == "sms" and _carrier_keyword(turn, text, effects):
        return turn
    if channel != "sms" and _broadcast_keyword(turn, text, effects):
        return turn
    if attachments and _attachments_received(turn, text, list(attachments), effects):
        return turn
    _dispatch(turn, text, encoding, effects)
    if turn.state["step"] != "handover":
        turn.state.pop("paused", None)  # a flow paused for staff is resumed only by staff handing back
    return turn


def flow_steps(flow: str, channel: str = "") -> list[str]:
    return [s for s in FLOWS[flow] if s not in SMS_SKIPS] if channel == "sms" else FLOWS[flow]


def _step_on(flow: str, step: str, channel: str) -> str:
    """``step``, or the next one the channel asks when it skips ``step``."""
    return step if step in flow_steps(flow, channel) else _next_step(flow, step, channel)


def _next_step(flow: str, step: str, channel: str) -> str:
    """The channel's next step after ``step`` (which may be one the channel skips: a state saved before)."""
    steps = flow_steps(flow, channel)
    return next(s for s in FLOWS[flow][FLOWS[flow].index(step) + 1:] if s in steps)


def _carrier_keyword(turn: Turn, text: str, effects: Effects) -> bool:
    """SMS STOP/START/HELP: the carrier acted on them before we saw them; record it and say only what the rules allow.

    STOP & co.: the carrier has already blocked our number for this person (every send fails with
    Twilio error 21610), so nothing is sent. START & co.: they can hear from us again: the menu.
    HELP/INFO: the carrier (Twilio's default or Advanced Opt-Out help text) answers; a second answer
    from us would only cost another message.
    """
    kind = words.carrier_keyword(text)
    if kind is None:
        return False
    step = turn.state["step"]
    if kind == "opt_out":
        effects.subscribe(False)
        if step != "handover":
            turn.state.update(step="menu" if turn.state["lang"] else "", data={})  # they left: START begins afresh
    elif kind == "opt_in":
        effects.subscribe(True)
        if not turn.state["lang"]:
            turn.state["step"] = "lang"
            turn.replies.append(m.CHOOSE_LANGUAGE)
        elif step not in ("", "menu", "lang", "handover"):
            ask_current(turn, effects)  # "yes" typed mid-flow: the carrier saw an opt-in, we lose nothing
        elif step != "handover":
            _to_menu(turn)
    return True


def _broadcast_keyword(turn: Turn, text: str, effects: Effects) -> bool:
    """UNSUBSCRIBE / SUBSCRIBE (any time), or a plain "stop" outside any flow from someone who got a broadcast.

    Inside a flow "stop" keeps its old meaning (cancel the flow, keep nothing): a migrant halfway
    through a complaint who types "stop" wants out of the questions, not off the news. Outside a flow
    there is nothing to cancel, so a "stop" after a broadcast is the answer the broadcast asked for.
    """
    kind = words.broadcast_keyword(text)
    step = turn.state["step"]
    if kind is None and step in ("", "menu") and words.keyword(text, channel=turn.channel, step=step) == "stop" and effects.broadcast_received():
        kind = "stop"
    if kind is None:
        return False
    effects.stop_broadcasts(kind == "stop")
    _say(turn, m.BROADCASTS_STOPPED if kind == "stop" else m.BROADCASTS_STARTED)
    if step not in ("", "menu", "lang", "handover"):
        ask_current(turn, effects)  # typed mid-flow: the flow goes on where it was
    return True


def _say(turn: Turn, message, **params) -> None:
    turn.replies.append(m.render(m.wording(message, turn.channel), turn.state["lang"], **params))


def _go(turn: Turn, step: str, effects: Effects) -> None:
    turn.state["step"] = step
    turn.replies.append(_question(step, turn.state["lang"], effects, turn.channel))


def _to_menu(turn: Turn) -> None:
    turn.state.update(step="menu", data={})
    _say(turn, m.MENU)


def _dispatch(turn: Turn, text: str, encoding: str | None, effects: Effects) -> None:
    state = turn.state
    kw = words.keyword(text, channel=turn.channel, step=state["step"])
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
        effects.wait_for_staff()  # staff answer from the inbox; the bot stays quiet, the inbox shows it waiting
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
        _go(turn, _step_on("callback", "cb_consent", turn.channel), effects)
    elif choice == 3:
        turn.state["data"] = {}
        # A complaint is a case of one centre: ask which unless the migrant chose it (a poster's link,
        # an earlier answer); the default centre of new conversations is no choice of theirs.
        chosen = effects.centre() and turn.state.get("centre_chosen")
        _go(turn, _step_on("complaint", "c_consent", turn.channel) if chosen else "c_centre", effects)
    elif choice == 4:
        effects.hand_over()
        turn.state["step"] = "handover"
        _say(turn, m.HANDOVER, centre=_centre_label(turn, effects))
    elif choice == 5:
        turn.state["step"] = "lang"
        turn.replies.append(m.CHOOSE_LANGUAGE)
    elif choice == 6:
        _my_case(turn, effects)
    else:
        if turn.state["step"] == "menu" and not words.is_greeting(text):
            _say(turn, m.NOT_UNDERSTOOD)
        _to_menu(turn)


def _back(turn: Turn, effects: Effects) -> None:
    step = turn.state["step"]
    if step.endswith("_phone_country"):
        _go(turn, step.removesuffix("_country"), effects)
        return
    for flow in FLOWS:
        steps = flow_steps(flow, turn.channel)
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

def _question(step: str, lang: str, effects: Effects, channel: str = "") -> str:
    """The bot's question for a flow step, in the channel's wording."""
    def say(message) -> str:
        return m.render(m.wording(message, channel), lang)

    if step in CONSENT_STEPS:
        return say(m.CONSENT_ASK)
    if step in NAME_STEPS:
        return say(m.SMS_CONSENT_ASK_NAME if channel == "sms" else m.ASK_NAME)
    if step in ("cb_phone", "c_phone"):
        return say(m.ASK_PHONE)
    if step in ("cb_centre", "c_centre"):
        options = [(c.code, c.label(lang)) for c in effects.centres()]
        return say(m.ASK_CENTRE) + "\n" + m.numbered(options, lang, channel)
    if step == "cb_topic":
        return say(m.ASK_TOPIC) + "\n" + m.numbered(m.TOPICS, lang, channel)
    if step == "c_gender":
        return say(m.ASK_GENDER)
    if step == "c_party":
        return say(m.ASK_PARTY)
    if step == "c_country":
        return say(m.ASK_COUNTRY) + "\n" + m.numbered(m.COUNTRIES, lang, channel)
    if step == "c_grievance":
        return say(m.ASK_GRIEVANCE) + "\n" + m.numbered(m.GRIEVANCES, lang, channel)
    if step == "c_story":
        return say(m.ASK_STORY)
    if step == "c_amount":
        return say(m.ASK_AMOUNT)
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
    steps = flow_steps(flow, turn.channel)
    error = None
    if step in CONSENT_STEPS:
        _consent_answer(turn, flow, text, effects)
        return
    if turn.channel == "sms" and step in NAME_STEPS:
        if words.number(text) == 2:  # the SMS name question carries the consent: "2" keeps nothing
            _consent_declined(turn, flow)
            return
        data["consent"] = True
    if _consent_missing(turn, flow, step, effects):
        return
    if step in NAME_STEPS:
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
        if data["centre"]:
            turn.state["centre_chosen"] = True  # later complaints go there without asking again
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
        if not text:  # the question again, once (it used to be printed twice)
            _go(turn, step, effects)
            return
        data["story"] = text[:4000]
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
        turn.replies.append(_question(step, lang, effects, turn.channel))
        return
    if step == steps[-1] and flow == "callback":
        _callback_done(turn, effects)
    elif step == "c_amount" and "c_confirm" not in steps:
        _complaint_open(turn, effects)  # SMS: the amount question said that the answer sends it
    elif step == "c_amount":
        turn.state["step"] = "c_confirm"
        _say(turn, m.CONFIRM, **_summary(data, lang))
    else:
        _go(turn, _next_step(flow, step, turn.channel), effects)


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
    steps = flow_steps(flow, turn.channel)
    if phone_step == steps[-1] and flow == "callback":
        _callback_done(turn, effects)
    else:
        _go(turn, _next_step(flow, phone_step, turn.channel), effects)


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
    _complaint_open(turn, effects)


def _complaint_open(turn: Turn, effects: Effects) -> None:
    data, lang = turn.state["data"], turn.state["lang"]
    intake = ComplaintIntake(
        name=data.get("name", ""), gender=data.get("gender") or "undisclosed", phone=data.get("phone", ""),
        party=data.get("party", ""), country=data.get("country", ""), grievance=data.get("grievance", "other"),
        story=data.get("story", ""), amount=parse_amount(data["amount"]) if data.get("amount") else None,
        evidence=tuple(data.get("evidence", ())),
    )
    reference = effects.open_complaint(intake)
    _say(turn, m.COMPLAINT_DONE, reference=reference, centre=_centre_label(turn, effects), amount=_summary(data, lang)["amount"])
    turn.state.update(step="menu", data={})
    _say(turn, m.AGAIN)


# Attachments and "my case" ---------------------------------------------------------

def _attachments_received(turn: Turn, text: str, kinds: list[str], effects: Effects) -> bool:
    """Acknowledge photos, documents, voice notes and places; True when nothing is left to answer.

    In the complaint flow the files are kept with it; at the story step the caption, or "see the
    photo", is the story. Elsewhere a caption describes the file and is not read as an answer (a
    photo captioned "my passport" is not a name): the question is asked again, never "did not
    understand". During a hand-over staff see the files: the bot stays quiet.
    """
    state, lang = turn.state, turn.state["lang"]
    files = [k for k in kinds if k != "sticker"]
    if state["step"] == "handover":
        return True
    if files:
        _say(turn, m.ACKNOWLEDGE.get(files[0], m.ACKNOWLEDGE_FILE) if len(set(files)) == 1 else m.ACKNOWLEDGE_FILE)
        if state["step"] in FLOWS["complaint"]:
            state["data"]["evidence"] = [*state["data"].get("evidence", []), *effects.keep_attachments()]
            if state["step"] == "c_story":
                state["data"]["story"] = text[:4000] or m.render(m.STORY_SEE_ATTACHMENT, lang)
                _go(turn, "c_amount", effects)
                return True
    ask_current(turn, effects)
    return True


def ask_current(turn: Turn, effects: Effects) -> None:
    """Ask the current step's question again (after a file without text, staff handing back, a carrier keyword mid-flow)."""
    state, step = turn.state, turn.state["step"]
    if not state["lang"] or step == "lang":
        state["step"] = "lang"
        turn.replies.append(m.CHOOSE_LANGUAGE)
    elif step in ("", "menu"):
        _to_menu(turn)
    elif step == "c_confirm":
        _say(turn, m.CONFIRM, **_summary(state["data"], state["lang"]))
    elif step == "agency":
        _say(turn, m.AGENCY_ASK)
    elif step.endswith("_phone_country"):
        _say(turn, m.ASK_THAI_NUMBER)
    else:
        turn.replies.append(_question(step, state["lang"], effects, turn.channel))


def _my_case(turn: Turn, effects: Effects) -> None:
    """The stage and the MMK received of each case of this conversation's person, and nobody else's."""
    lang = turn.state["lang"]
    cases = effects.my_cases()
    turn.state.update(step="menu", data={})
    if not cases:
        _say(turn, m.NO_CASE)
        return
    lines = []
    for case in cases:
        if case.sensitive:  # said in person, not on a phone someone else may read
            lines.append(m.render(m.MY_CASE_ASK_STAFF, lang, reference=case.reference))
        else:
            lines.append(m.render(
                m.MY_CASE, lang, reference=case.reference, stage=m.render(Stage(case.stage).label, lang), amount=f"{case.received:,.0f}",
            ))
    turn.replies.append("\n".join(lines))
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
        _go(turn, _next_step(flow, CONSENT_STEP[flow], turn.channel), effects)
        return
    _consent_declined(turn, flow)


def _consent_declined(turn: Turn, flow: str) -> None:
    turn.state.update(step="menu", data={})
    _say(turn, m.CONSENT_NO_CALLBACK if flow == "callback" else m.CONSENT_NO_COMPLAINT)
    if turn.channel != "sms":  # the short SMS answer names the choices that still work: the menu would cost a part
        _say(turn, m.MENU)


def _consent_missing(turn: Turn, flow: str, step: str, effects: Effects) -> bool:
    """A flow begun before consent was asked (a state saved by an older version) asks it now, before anything is kept."""
    steps = FLOWS[flow]
    if turn.state["data"].get("consent") or steps.index(step) < steps.index(CONSENT_STEP[flow]):
        return False
    _go(turn, CONSENT_STEP[flow], effects)
    return True
