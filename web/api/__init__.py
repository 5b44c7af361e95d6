"""The JSON API's framework, for the core's resources (``bss.api``) and plugins' routes alike:
bearer-key authentication, operations declared once (behaviour and OpenAPI), idempotent writes,
id and time fields, cursor paging.
"""
