from django.urls import path

from bots import views, webhooks
from bots.broadcasts import views as broadcasts

app_name = "bots"

urlpatterns = [
    path("telegram/", webhooks.telegram_webhook, name="telegram"),
    path("viber/", webhooks.viber_webhook, name="viber"),
    path("twilio/sms/", webhooks.twilio_sms_webhook, name="twilio_sms"),
    path("twilio/status/", webhooks.twilio_status_webhook, name="twilio_status"),
    path("twilio/voice/", webhooks.twilio_voice_webhook, name="twilio_voice"),
    path("messenger/", webhooks.messenger_webhook, name="messenger"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.conversation_detail, name="conversation"),
    path("inbox/<int:pk>/reply/", views.conversation_reply, name="reply"),
    path("inbox/<int:pk>/handled/", views.conversation_resolve, name="resolve"),
    path("inbox/<int:pk>/retry/<int:outbound_pk>/", views.outbound_retry, name="retry"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("attachments/<int:pk>/evidence/", views.attachment_evidence, name="attachment_evidence"),
    path("cases/<int:pk>/ask/", views.case_request, name="case_request"),
    path("broadcasts/", broadcasts.broadcast_list, name="broadcast_list"),
    path("broadcasts/new/", broadcasts.broadcast_create, name="broadcast_create"),
    path("broadcasts/<int:pk>/", broadcasts.broadcast_detail, name="broadcast_detail"),
    path("broadcasts/<int:pk>/send/", broadcasts.broadcast_send, name="broadcast_send"),
    path("broadcasts/<int:pk>/stop/", broadcasts.broadcast_cancel, name="broadcast_cancel"),
    path("broadcasts/<int:pk>/activity/", broadcasts.broadcast_activity, name="broadcast_activity"),
    path("broadcasts/photo/<str:token>/", broadcasts.broadcast_photo, name="broadcast_photo"),
]
