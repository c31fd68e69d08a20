"""Channel-agnostic conversation engine (see ``engine``)."""
from bots.conversation.effects import CentreOption, ComplaintIntake, Effects
from bots.conversation.engine import Turn, new_state, respond

__all__ = ["CentreOption", "ComplaintIntake", "Effects", "Turn", "new_state", "respond"]
