"""``cascade support``: the mail server hands the platform the answers people send to tickets' emails.

Point the reply domain's mail at a server that pipes each message to ``cascade support
receive-email`` (Postfix: a ``pipe`` transport with ``--recipient ${recipient}``). The command
exits with the codes mail servers read (``sysexits.h``), so a refused message bounces with the
reason and one that could not be stored now is tried again later.
"""

from __future__ import annotations

import sys
from typing import BinaryIO, NoReturn

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from core.errors import CascadeError
from core.services.ticket_files import MAX_UPLOAD_BYTES
from core.services.ticket_replies import ForgedReplyError, receive_reply
from web.database import db

#: The data is not acceptable (``EX_DATAERR``): empty, too large, a closed ticket, a refused file.
EX_DATAERR = 65
#: The address names nobody (``EX_NOUSER``): not a reply address, or not the sender's.
EX_NOUSER = 67
#: Try again later (``EX_TEMPFAIL``): the database could not be reached.
EX_TEMPFAIL = 75
#: The largest message taken in: every file a message may carry, base64-encoded, and its text.
MAX_EMAIL_BYTES = MAX_UPLOAD_BYTES * 4 // 3 + 1024 * 1024

group = click.Group("support", help="Support tickets: take in the answers people send by email.")


@group.command("receive-email")
@click.option("--recipient", default=None,
              help="The address the mail server delivered the message to (its envelope recipient). "
                   "Default: the first reply address among the message's Delivered-To, To and Cc.")
@click.argument("message", type=click.File("rb"), default="-")
@with_appcontext
def receive_email_command(recipient: str | None, message: BinaryIO) -> None:
    """Add the email MESSAGE (a file, or standard input) to the ticket its reply address names.

    The address must be one a ticket's email was sent with, and the sender the person it was
    sent to; the answer is the email's text without what it quotes, with its files.
    """
    raw = message.read(MAX_EMAIL_BYTES + 1)
    if len(raw) > MAX_EMAIL_BYTES:
        _refuse(EX_DATAERR, f"the message is larger than {MAX_EMAIL_BYTES // (1024 * 1024)} MB")
    try:
        added = receive_reply(db.session, raw, recipient)
        db.session.commit()
    except ForgedReplyError as refused:
        db.session.rollback()
        _refuse(EX_NOUSER, str(refused))
    except CascadeError as refused:
        db.session.rollback()
        _refuse(EX_DATAERR, str(refused))
    except OperationalError:
        db.session.rollback()
        _refuse(EX_TEMPFAIL, "the database cannot be reached now: try again later")
    click.echo(f"Added to ticket {added.ticket_id} as message {added.id}.")


def _refuse(code: int, reason: str) -> NoReturn:
    click.echo(f"cascade: {reason}", err=True)
    sys.exit(code)
