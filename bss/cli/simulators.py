"""``cascade simulator NAME``: one plugin's vendor simulator, alone (``cascade run`` starts them all).

It hangs on the ``cascade`` group itself, like the other long-running processes, and needs no
app: only the plugins.
"""

from __future__ import annotations

import click
from werkzeug.serving import make_server

from core.plugins import load_plugins
from core.simulators import local_simulators

HOST = "127.0.0.1"


@click.command("simulator")
@click.argument("name")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port to listen on (127.0.0.1)  [default: the port of its URL setting, else its own]")
def simulator_command(name: str, port: int | None) -> None:
    """Serve the vendor simulator NAME that a plugin ships, on 127.0.0.1."""
    load_plugins()
    simulators = local_simulators()
    simulator = simulators.get(name)
    if simulator is None:
        shipped = ", ".join(simulators) or "none"
        raise click.BadParameter(f"no plugin ships a simulator {name!r} (shipped: {shipped})", param_hint="NAME")
    port = port or simulator.local_port() or simulator.default_port
    server = make_server(HOST, port, simulator.app(), threaded=True)
    click.echo(f"{name} simulator on http://{HOST}:{server.server_port}/ (point {simulator.url_setting} here)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
