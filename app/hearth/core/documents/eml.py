"""E-mail (.eml, RFC 5322) through the standard library: the sender, date and subject, then
the body (its plain text part, else its HTML part as a web page); attachments are named, not
read."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from hearth.core.documents.document import Document
from hearth.core.documents.errors import DocumentError
from hearth.core.documents.html import html_document
from hearth.core.documents.structure import markdown_headings

_SHOWN_HEADERS = ("From", "To", "Cc", "Date", "Subject")


def read_eml(data: bytes, name: str) -> Document:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    header = "\n".join(
        f"{field}: {' '.join(str(message[field]).split())}"
        for field in _SHOWN_HEADERS
        if message[field]
    )
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    dropped: list[str] = []
    if isinstance(body_part, EmailMessage):
        content = body_part.get_content()
        if body_part.get_content_subtype() == "html":
            body = html_document(str(content), name).text
        else:
            body = str(content).replace("\r\n", "\n").strip()
    attachments = [
        part.get_filename() or part.get_content_type() for part in message.iter_attachments()
    ]
    if attachments:
        dropped.append(f"attachments not read: {', '.join(str(a) for a in attachments)}")
    text = f"{header}\n\n{body}".strip()
    if not text:
        raise DocumentError(f"{name} is an e-mail with no text to read.")
    return Document(text, "eml", headings=markdown_headings(body), dropped=tuple(dropped))
