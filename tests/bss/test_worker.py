"""A real Celery worker process, on the test broker, delivers an email through real SMTP."""

import signal
import time

import pytest
from sqlalchemy import delete, select

from core.models.outbox import EmailStatus, OutboxEmail
from core.services.outbox import queue_email
from tests.processes import cascade_env, start_cascade
from web.database import db as database

pytestmark = pytest.mark.integration


@pytest.fixture
def worker(app, test_settings, smtp_server, tmp_path):
    """Start ``cascade worker`` against the test database and broker, mailing to the test server."""
    app.extensions["celery"].control.purge()  # messages left by other tests' commits
    url, _mailbox = smtp_server
    env = cascade_env(
        tmp_path,
        env="testing",
        database_url=test_settings["database_url"],
        broker_url=test_settings["broker_url"],
        mail_url=url,
    )
    process = start_cascade("worker", "--concurrency", "1", "-n", "mailer", env=env)
    yield process
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "mailer@" in output, "named as asked, so that several run on one machine"


def _status(app, email_id):
    with app.app_context():
        return database.session.scalar(select(OutboxEmail.status).where(OutboxEmail.id == email_id))


def test_an_email_committed_in_the_web_process_is_sent_by_the_worker(app, worker, smtp_server):
    _url, mailbox = smtp_server
    with app.app_context():
        email = queue_email(database.session, to="ann@harbour-dental.example", subject="Your portal is ready", text="Welcome.")
        database.session.commit()
        email_id = email.id
    try:
        (message,) = mailbox.wait_for(1, timeout=60)
        assert message["Subject"] == "Your portal is ready"
        assert message["To"] == "ann@harbour-dental.example"
        deadline = time.monotonic() + 30
        while _status(app, email_id) is not EmailStatus.SENT:
            assert time.monotonic() < deadline, "the worker never marked the email sent"
            time.sleep(0.2)
    finally:
        with app.app_context():
            database.session.execute(delete(OutboxEmail).where(OutboxEmail.id == email_id))
            database.session.commit()
