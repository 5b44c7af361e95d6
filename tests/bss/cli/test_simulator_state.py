"""`cascade simulator --state FILE`: a simulator restarted from its file knows what it was told before."""

from __future__ import annotations

import pickle

from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from bss.cli.simulators import StateFile
from core.plugins import load_plugins
from core.simulators import KeptState, local_simulators


class Notebook(KeptState):
    """A vendor that remembers what is posted to it."""

    kept = ("notes",)

    def __init__(self) -> None:
        self.notes: list[str] = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.method == "POST":
            self.notes.append(request.get_data(as_text=True))
        return Response(",".join(self.notes))(environ, start_response)


def test_a_restarted_simulator_starts_from_its_state_file(tmp_path):
    path = tmp_path / "simulators" / "notebook.pickle"
    first = Client(StateFile(Notebook(), path))
    assert first.post("/", data="tenant a").get_data(as_text=True) == "tenant a"
    first.post("/", data="tenant b")
    assert first.get("/").get_data(as_text=True) == "tenant a,tenant b"

    restarted = Client(StateFile(Notebook(), path))
    assert restarted.get("/").get_data(as_text=True) == "tenant a,tenant b"
    assert not path.with_suffix(".tmp").exists()  # written aside, then put in place


def test_every_shipped_simulator_keeps_state_that_pickles():
    load_plugins()
    for simulator in local_simulators().values():
        app = simulator.app()
        assert isinstance(app, KeptState) and app.kept, simulator.name
        fresh = simulator.app()
        fresh.restore(pickle.loads(pickle.dumps(app.snapshot())))
        assert fresh.snapshot().keys() == app.snapshot().keys()
