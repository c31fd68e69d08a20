"""Who is asking: the client's IP address, also behind reverse proxies."""
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest, proxies: int | None = None) -> str | None:
    """Return the client IP, read from X-Forwarded-For behind ``TRUSTED_PROXIES`` proxies; None if unknown.

    Counting from the right means a client cannot forge its own address: only the
    entries our proxies appended are trusted. Anything that is not an IP address is ignored.
    """
    if proxies is None:
        proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
