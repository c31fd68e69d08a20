"""Refuse an upload bigger than ``UPLOAD_MAX_BYTES`` before a byte of it is read.

Django reads a multipart body as soon as anything (the CSRF check first) looks at ``request.POST``;
files above ``FILE_UPLOAD_MAX_MEMORY_SIZE`` go to a temporary file, but all of it is still received
and parsed. This middleware answers from the declared Content-Length instead, with a page saying
how big the file was and what to do. (Django reads no body without a Content-Length, so a chunked
upload cannot slip past.) ``DATA_UPLOAD_MAX_MEMORY_SIZE`` limits the form fields themselves.
"""
from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

UPLOAD_TOO_LARGE = _(
    "The file sent is %(size)s MB; the largest upload the helpdesk accepts is %(max)s MB. Nothing was read or saved. "
    "Split the file into smaller ones, or ask an administrator to import it with the command line."
)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f}".removesuffix(".0")


def upload_too_large(request) -> str | None:
    """Return the message for a request whose declared body is over the limit, else None."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    limit = settings.UPLOAD_MAX_BYTES
    if request.method in ("POST", "PUT", "PATCH") and length > limit:
        return str(UPLOAD_TOO_LARGE % {"size": megabytes(length), "max": megabytes(limit)})
    return None


class UploadLimitMiddleware:
    """Put it before anything that reads the body (before CsrfViewMiddleware's view check: any place works,
    as that check runs after every middleware's request phase); after AuthenticationMiddleware, for the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        message = upload_too_large(request)
        if message:
            return render(request, "helpdesk/upload_too_large.html", {"message": message}, status=413)
        return self.get_response(request)
