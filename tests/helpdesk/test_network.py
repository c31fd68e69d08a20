"""The client IP behind proxies: only what our own proxies wrote counts, and only real addresses."""
from django.test import RequestFactory

from helpdesk.network import client_ip


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_socket_address_counts(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="1.1.1.1")) == "10.1.2.3"


def test_behind_one_proxy_the_rightmost_forwarded_address_counts(settings):
    settings.TRUSTED_PROXIES = 1
    forged = request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(forged) == "203.0.113.9"
    assert client_ip(request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="2001:db8::1")) == "2001:db8::1"


def test_garbage_or_missing_addresses_are_unknown(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="<script>")) is None
    no_address = request()
    del no_address.META["REMOTE_ADDR"]
    assert client_ip(no_address) is None
