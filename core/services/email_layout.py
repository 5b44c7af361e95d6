"""The HTML part of the emails a seller's customers receive: their text, in the shop's brand.

One layout for every such email: the shop's name as heading, its logo when it has one (an
inline image the email carries, ``cid:``), its primary colour, and a footer with its contact
details. The core cannot use the web apps' templates, so the layout has a small Jinja
environment of its own, autoescaped: the text and every branding value are shown as text (the
branding is validated data, ``core.services.branding``), the only markup is the layout's, and
links in the text become clickable. Nothing in it names the platform or whoever sells to the shop.
"""

from __future__ import annotations

import re

from jinja2 import Environment
from markupsafe import Markup, escape

from core.languages import DEFAULT_LOCALE
from core.models.storefronts import Storefront

#: The Content-ID of the inline logo, which the layout's ``<img>`` names as ``cid:``.
LOGO_CONTENT_ID = "logo@shop"
#: How an email names the shop's logo among its attachments (``core.services.attachments``).
LOGO_REFERENCE_KIND = "logo"

#: An http(s) address in the text, without the punctuation that ends its sentence.
_URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)'\]]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")

_LAYOUT = """\
<!DOCTYPE html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellspacing="0" cellpadding="0" \
style="max-width:600px;width:100%;background:#ffffff;border-top:6px solid {{ colour }};\
font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;">
<tr><td style="padding:24px 32px 8px;">
{% if logo %}
<img src="cid:{{ logo }}" alt="{{ shop }}" height="48" style="display:block;max-height:48px;border:0;">
{% endif %}
<h1 style="margin:12px 0 0;font-size:20px;color:{{ colour }};">{{ shop }}</h1>
</td></tr>
<tr><td style="padding:8px 32px 24px;">
{% for paragraph in paragraphs %}
<p style="margin:0 0 16px;">{{ paragraph }}</p>
{% endfor %}
</td></tr>
<tr><td style="padding:16px 32px 24px;border-top:1px solid #e4e4e7;font-size:13px;color:#57606a;">
<strong>{{ shop }}</strong>
{% if email %}<br><a href="mailto:{{ email }}" style="color:{{ colour }};">{{ email }}</a>{% endif %}
{% if phone %}<br>{{ phone }}{% endif %}
{% if support_url %}<br><a href="{{ support_url }}" style="color:{{ colour }};">{{ support_url }}</a>{% endif %}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""

_environment = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_layout = _environment.from_string(_LAYOUT)


def email_html(storefront: Storefront, subject: str, text: str, *, lang: str = DEFAULT_LOCALE) -> str:
    """The email's ``text`` as HTML in ``storefront``'s brand, its links clickable, in the language ``lang``."""
    return _layout.render(
        lang=lang,
        subject=subject,
        shop=storefront.shop_name,
        colour=storefront.primary_colour,
        logo=LOGO_CONTENT_ID if storefront.has_logo else None,
        email=storefront.contact_email,
        phone=storefront.contact_phone,
        support_url=storefront.support_url,
        paragraphs=[_paragraph(block, storefront.primary_colour)
                    for block in _PARAGRAPH_BREAK.split(text.strip()) if block.strip()],
    )


def logo_reference(storefront: Storefront) -> list[str]:
    """The attachment reference that carries the shop's logo into its email, if it has one."""
    return [f"{LOGO_REFERENCE_KIND}:{storefront.id}"] if storefront.has_logo else []


def _paragraph(block: str, colour: str) -> Markup:
    """One paragraph of the text, escaped, its line breaks kept and its links made clickable."""
    return Markup("<br>\n").join(_linked(line, colour) for line in block.strip("\n").split("\n"))


def _linked(line: str, colour: str) -> Markup:
    parts: list[Markup] = []
    end = 0
    for match in _URL.finditer(line):
        url = match.group(0)
        parts += [escape(line[end:match.start()]),
                  Markup('<a href="{0}" style="color:{1};">{0}</a>').format(url, colour)]
        end = match.end()
    parts.append(escape(line[end:]))
    return Markup("").join(parts)
