"""The simulator as ``cascade run`` and ``cascade simulator`` serve it, and where they serve it."""

import json
import os
import signal
import time
import urllib.error
import urllib.request

import pytest

from plugin_kit.simulators import local_simulators, simulators_to_start
from plugin_kit.testing import free_port
from tests.processes import cascade, cascade_env, start_cascade


@pytest.mark.parametrize(("url", "port"), [
    (None, 5081),
    ("http://127.0.0.1:6001", 6001),
    ("http://localhost:6002/", 6002),
    ("https://api.partnercenter.microsoft.com", None),
])
def test_the_simulator_is_served_here_unless_the_setting_points_elsewhere(app, url, port):
    office365 = local_simulators()["office365"]
    environ = {"CASCADE_OFFICE365_URL": url} if url else {}
    assert office365.local_port(environ) == port
    assert (office365 in simulators_to_start(environ)) is (port is not None)


@pytest.mark.integration
def test_cascade_simulator_serves_one_alone_until_ctrl_c(tmp_path):
    port = free_port()
    process = start_cascade("simulator", "office365", "--port", str(port), env=cascade_env(tmp_path))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_simulator/state", timeout=2) as answer:
                    assert json.loads(answer.read()) == {"customers": []}
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # busy: ask again
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "the simulator never answered"
                time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert f"office365 simulator on http://127.0.0.1:{port}/ (point CASCADE_OFFICE365_URL here)" in output


def test_cascade_simulator_names_the_simulators_there_are(tmp_path):
    refused = cascade("simulator", "exchange", env=cascade_env(tmp_path))
    assert refused.returncode == 2
    assert "no plugin ships a simulator 'exchange' (shipped: " in refused.stderr and "office365" in refused.stderr
