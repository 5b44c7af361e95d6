"""``cascade simulator NAME``: one plugin's vendor simulator, alone (``cascade run`` starts them all).

It hangs on the ``cascade`` group itself, like the other long-running processes, and needs no
app: only the plugins.
"""

from __future__ import annotations

from pathlib import Path

import click
from werkzeug.serving import make_server

from core.plugins import load_plugins
from plugin_kit.simulators import KeptState, StateFile, local_simulators

HOST = "127.0.0.1"


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
