"""What every web app and every plugin's pages share: the database session, settings, CSRF,
sign-in sessions, error statuses, template filters and the page helpers of ``web.pages``.

It imports ``core`` and Flask, never ``bss``, ``storefront`` or a plugin.
"""
