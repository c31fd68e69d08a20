"""Channel-agnostic conversation engine (see ``engine``)."""
from bots.conversation.effects import CaseStatus, CentreOption, ComplaintIntake, Effects
from bots.conversation.engine import Turn, new_state, respond

__all__ = ["CaseStatus", "CentreOption", "ComplaintIntake", "Effects", "Turn", "new_state", "respond"]
