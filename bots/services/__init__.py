"""Writes of the bots app, split by direction: inbound, outbound, staff, voice."""
from bots.services.events import inbound_enqueue_unprocessed, inbound_store
from bots.services.inbound import (
    Received,
    default_centre,
    inbound_receive,
    inbound_record_failure,
)
from bots.services.outbound import outbound_enqueue_due, outbound_mark, outbound_queue, outbound_retry, outbound_send
from bots.services.staff import conversation_reply, conversation_resolve
from bots.services.voice import voice_request_callback

__all__ = [
    "Received", "conversation_reply", "inbound_enqueue_unprocessed", "inbound_store", "conversation_resolve", "default_centre", "inbound_receive",
    "inbound_record_failure", "outbound_enqueue_due", "outbound_mark", "outbound_queue", "outbound_retry",
    "outbound_send", "voice_request_callback",
]
