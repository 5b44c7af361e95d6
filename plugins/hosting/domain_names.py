"""Domain names in the hosting plugin: a site's address, and a name to register under one of the extensions on sale.

Names are checked and kept in their ASCII (IDNA2008) form by ``core.domain_names``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import marshmallow

from core.domain_names import DomainNameError, to_ascii, to_unicode
from core.languages import say


class DomainNameField(marshmallow.fields.String):
    """A domain name in an order's params, as typed, loaded in its ASCII (IDNA) form by ``check``.

    Its refusals are in the reader's words: a missing name is refused as an empty one is.
    """

    def check(self, name: str) -> str:
        """The name's ASCII form; raise ``DomainNameError`` saying why it is not one this field takes."""
        return to_ascii(name)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        try:
            return self.check(super()._deserialize(value, attr, data, **kwargs))
        except DomainNameError as error:
            raise marshmallow.ValidationError(str(error)) from None

    def make_error(self, key: str, **kwargs: Any) -> marshmallow.ValidationError:
        if key == "required":
            return marshmallow.ValidationError(say("Give a domain name, such as example.com."))
        return super().make_error(key, **kwargs)


def registrable(value: str, tld: str, tlds: Iterable[str]) -> str:
    """Check ``value`` as a name to register under ``tld`` (one of ``tlds``); return its ASCII form."""
    name = to_ascii(value)
    offered = sorted(tlds, key=len, reverse=True)
    found = next((other for other in offered if name.endswith(f".{other}")), None)
    if found is None:
        listed = ", ".join(f".{other}" for other in sorted(offered))
        raise DomainNameError(say("%(name)s is not under an extension registered here: choose one of %(extensions)s.",
                                  name=to_unicode(name), extensions=listed))
    if found != tld:
        raise DomainNameError(say("%(name)s is a .%(extension)s name: order it on the .%(extension)s plan.",
                                  name=to_unicode(name), extension=found))
    if name.count(".") != tld.count(".") + 1:
        under = name.split(".", name.count(".") - tld.count(".") - 1)[-1]
        raise DomainNameError(say("%(name)s is a name under %(domain)s: register %(domain)s itself.",
                                  name=to_unicode(name), domain=to_unicode(under)))
    return name
