"""The plugin kit: what a product plugin imports besides core, to talk to its vendor and to test itself.

A plugin's code imports ``core`` (the domain: products, lifecycle requests and results, money,
the clock) and this kit, never the web apps. ``plugin_kit.testing`` is the kit's pytest plugin:
the fixtures Cascade's own suite runs on (the app and its database, the demo platform, signed-in
clients, API keys, the vendors' simulators, an SMTP server), registered through the ``pytest11``
entry point, so that a plugin outside this repository, installed in the same environment, tests
itself with the same fixtures and no conftest of its own.
"""
