"""Who is asking: the client's IP address, also behind reverse proxies."""
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest, proxies: int | None = None) -> str:
    """Return the client IP, read from X-Forwarded-For behind ``TRUSTED_PROXIES`` proxies.

    Counting from the right means a client cannot forge its own address: only the
    entries our proxies appended are trusted.
    """
    if proxies is None:
        proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
