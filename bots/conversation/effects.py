"""What the engine may ask of the outside world, as a protocol it is given.

The engine stays a pure function of (state, text); reads and writes (agency
verdict, opening a complaint, a call-back request) go through an ``Effects``
object. ``bots.services.effects.DatabaseEffects`` is the real one.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from agencies.verdict import Verdict


@dataclass(frozen=True)
class CentreOption:
    code: str
    name: str
    name_my: str = ""
    phone: str = ""

    def label(self, language: str | None) -> str:
        return self.name_my if language == "my" and self.name_my else self.name


@dataclass(frozen=True)
class ComplaintIntake:
    name: str
    gender: str
    phone: str
    party: str
    country: str
    grievance: str
    story: str
    amount: Decimal | None
    evidence: tuple[int, ...] = ()  # attachments sent during the complaint (a photo of the contract at the story step)


@dataclass(frozen=True)
class CaseStatus:
    """What "my case" tells a migrant about one of their cases."""

    reference: str
    stage: str
    received: Decimal
    sensitive: bool = False


class Effects(Protocol):
    def agency_verdict(self, query: str, *, encoding_hint: str | None) -> Verdict: ...

    def centre(self) -> CentreOption | None: ...

    def centres(self) -> list[CentreOption]: ...

    def choose_centre(self, code: str) -> None: ...

    def request_callback(self, *, name: str, phone: str, centre_code: str, topic: str) -> None: ...

    def open_complaint(self, intake: ComplaintIntake) -> str: ...

    def hand_over(self) -> None: ...

    def wait_for_staff(self) -> None: ...

    def topic(self, code: str) -> None: ...

    def sensitive_words(self) -> list[str]: ...

    def flag_sensitive(self) -> None: ...

    def keep_attachments(self) -> list[int]: ...

    def my_cases(self) -> list[CaseStatus] | None: ...
    def subscribe(self, subscribed: bool) -> None: ...

    def broadcast_received(self) -> bool: ...

    def stop_broadcasts(self, stop: bool) -> None: ...
