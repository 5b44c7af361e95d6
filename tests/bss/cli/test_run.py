"""``cascade run`` (what ``make run`` starts): the whole product up, then stopped by Ctrl-C."""

import json
import os
import re
import signal
import time
import urllib.error
import urllib.request

import pytest

from plugin_kit.simulators import local_simulators
from plugin_kit.testing import free_port
from tests.processes import cascade_env, start_logged, wait_until

pytestmark = pytest.mark.integration


def _get(url, host=None):
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            assert "Server" not in response.headers, "nothing names the software that serves a shop"
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_run_serves_the_demo_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    # The plugins' simulators on free ports too: nothing else on the machine stands in their way.
    simulators = {simulator.url_setting: f"http://127.0.0.1:{free_port()}" for simulator in local_simulators().values()}
    log = tmp_path / "run.log"
    process = start_logged("run", env=cascade_env(tmp_path, env="development") | {"PORT": str(port)} | simulators,
                           log=log)

    def printed() -> str:
        return log.read_text(errors="replace")

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # busy: ask again
                assert process.poll() is None, printed()
                assert time.monotonic() < deadline, "the web server never answered"
                time.sleep(0.5)
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok", "broker": "ok"})
        for _ in range(10):  # each request must release the database for the next
            status, page = _get(f"http://127.0.0.1:{port}/")
            assert status == 200 and "Microsoft 365 Business Premium" in page
            assert _get(f"http://127.0.0.1:{port}/healthz")[0] == 200
        # The demo's reseller on Standard has its storefront live; the one on Basic has none.
        status, shop = _get(f"http://127.0.0.1:{port}/", host=f"bright.shop.localhost:{port}")
        assert status == 200 and "Bright IT" in shop
        assert _get(f"http://127.0.0.1:{port}/", host=f"corner.shop.localhost:{port}")[0] == 404
        # The worker and beat start beside the web server; on a loaded machine they may come last.
        wait_until(lambda: "celery@" in printed() and "ready" in printed() and "beat: Starting" in printed(), 90,
                   lambda: f"the worker and beat never said they started:\n{printed()}")
        # A child that dies is started again, and the rest keeps serving meanwhile.
        (worker,) = re.findall(r"started the worker \(pid (\d+)\)", printed())
        os.kill(int(worker), signal.SIGKILL)
        again = wait_until(lambda: re.findall(r"started the worker \(pid (\d+)\)", printed())[1:], 30,
                           lambda: f"the worker was not started again:\n{printed()}")
        assert again != [worker] and re.search(r"the worker exited with -9 after \d+ s; starting it again in 1 s",
                                               printed())
        assert _get(f"http://127.0.0.1:{port}/healthz")[0] == 200
        wait_until(lambda: printed().count("ready") >= 2, 60, lambda: f"the new worker never got ready:\n{printed()}")
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        process.wait(timeout=60)
    output = printed()
    assert process.returncode == 0, output
    assert re.search(r"admin@northwind\.example +Northwind Distribution", output)
    assert f"Storefronts on http://<slug>.shop.localhost:{port}/" in output
    for url in simulators.values():
        assert f"simulator on {url}/" in output, "each simulator started, where its setting says"
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of the group is left running
