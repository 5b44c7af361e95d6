"""The Cascade domain kernel: models, services, money, time, states, errors and the plugin system.

Nothing here imports Flask, the back office, the storefront or a plugin.
"""
