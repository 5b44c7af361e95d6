"""``cascade simulator NAME``: one plugin's vendor simulator, alone (``cascade run`` starts them all).

It hangs on the ``cascade`` group itself, like the other long-running processes, and needs no
app: only the plugins.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from werkzeug.serving import make_server

from core.plugins import load_plugins
from core.simulators import KeptState, local_simulators

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

HOST = "127.0.0.1"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class StateFile:
    """WSGI middleware: the simulator starts from ``path`` and saves its state there after every write.

    Writes are served one at a time, so that what is saved is never a write half done.
    """

    def __init__(self, app: KeptState, path: Path) -> None:
        self.app, self.path = app, path
        self._lock = threading.Lock()
        if path.is_file():
            with path.open("rb") as file:  # the simulator's own file, written below: never another's data
                app.restore(pickle.load(file))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        app: WSGIApplication = self.app  # type: ignore[assignment]
        if environ.get("REQUEST_METHOD") not in _WRITES:
            return app(environ, start_response)
        with self._lock:
            body = list(app(environ, start_response))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".tmp")
            with partial.open("wb") as file:
                pickle.dump(self.app.snapshot(), file)
            partial.replace(self.path)
        return body


@click.command("simulator")
@click.argument("name")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port to listen on (127.0.0.1)  [default: the port of its URL setting, else its own]")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Keep the simulator's state in this file across restarts  [default: none kept]")
def simulator_command(name: str, port: int | None, state_path: Path | None) -> None:
    """Serve the vendor simulator NAME that a plugin ships, on 127.0.0.1."""
    load_plugins()
    simulators = local_simulators()
    simulator = simulators.get(name)
    if simulator is None:
        shipped = ", ".join(simulators) or "none"
        raise click.BadParameter(f"no plugin ships a simulator {name!r} (shipped: {shipped})", param_hint="NAME")
    port = port or simulator.local_port() or simulator.default_port
    app = simulator.app()
    if state_path is not None and isinstance(app, KeptState):
        app = StateFile(app, state_path)
    server = make_server(HOST, port, app, threaded=True)
    click.echo(f"{name} simulator on http://{HOST}:{server.server_port}/ (point {simulator.url_setting} here)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
