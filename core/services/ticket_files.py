"""The files a support message may carry, recognised by their bytes, never by their names.

A PDF, a PNG or JPEG picture, plain text or a saved e-mail: at most ``MAX_FILE_BYTES`` each and
``MAX_FILES`` a message. A file whose bytes are none of these, or whose name claims another type
than its bytes are (a program renamed ``invoice.pdf``), is refused with the reason, and nothing
of its message is stored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from core.errors import ValidationError
from core.languages import say

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
#: What a web form or an API call carrying ``MAX_FILES`` full files (and a message) may weigh.
MAX_UPLOAD_BYTES = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024

#: The types accepted, each with the name endings that may say so.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "text/plain": (".txt", ".text", ".log", ".csv"),
    "message/rfc822": (".eml",),
}
ACCEPTED = "PDF, PNG, JPEG, plain text (.txt) or e-mail (.eml)"
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
#: Control characters plain text never holds (tab, line feed, form feed and carriage return it may).
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")


@dataclass(frozen=True)
class UploadedFile:
    """A file as it arrived: the name its sender gave it and its bytes."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    media_type: str
    content: bytes


def checked_files(files: list[UploadedFile], field: str = "attachments") -> list[CheckedFile]:
    """The files, each with the type its bytes are; every one refused is named, with why, under ``field``."""
    problems = []
    if len(files) > MAX_FILES:
        problems.append(say("Attach at most %(most)s files to a message (%(count)s given).", most=MAX_FILES, count=len(files)))
    checked = []
    for upload in files:
        name = _clean_name(upload.filename)
        if len(upload.content) > MAX_FILE_BYTES:
            problems.append(say("%(name)s is larger than %(size)s MB.", name=name, size=MAX_FILE_BYTES // (1024 * 1024)))
            continue
        if not upload.content:
            problems.append(say("%(name)s is empty.", name=name))
            continue
        media_type = media_type_of(upload.content)
        if media_type is None:
            problems.append(say("%(name)s is not a file we accept: send a %(accepted)s.", name=name, accepted=ACCEPTED))
            continue
        if not name.lower().endswith(EXTENSIONS[media_type]):
            problems.append(say("%(name)s is named as another type than its content (%(type)s): name it %(renamed)s.", name=name,
                                type=media_type, renamed=name.rsplit(".", 1)[0] + EXTENSIONS[media_type][0]))
            continue
        checked.append(CheckedFile(name, media_type, upload.content))
    if problems:
        raise ValidationError({field: problems})
    return checked


def media_type_of(content: bytes) -> str | None:
    """What ``content`` is, among the accepted types, from its bytes alone; ``None`` for anything else."""
    for signature, media_type in _SIGNATURES:
        if content.startswith(signature):
            return media_type
    if _BINARY.search(content):
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "message/rfc822" if _is_email(content) else "text/plain"


def _is_email(content: bytes) -> bool:
    """Text that starts with a header block naming a sender and a date or subject: a saved message."""
    if not _HEADER_LINE.match(content):
        return False
    headers = BytesHeaderParser(policy=default_policy).parsebytes(content)
    return "From" in headers and ("Date" in headers or "Subject" in headers)


def _clean_name(filename: str) -> str:
    """The file's own name, without folders or control characters, at most 255 characters."""
    base = re.split(r"[\\/]", filename or "")[-1]
    shown = "".join(char for char in unicodedata.normalize("NFC", base) if unicodedata.category(char)[0] != "C")
    return shown.strip().strip(".")[-255:] or "attachment"
