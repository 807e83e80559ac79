"""Output encoding of scenario text, one function per place the text lands (OWASP's "contextual output
encoding"). Scenario files come from many hands, so every title, place, name, id and reason is untrusted: a
view or an export never writes such a text anywhere without the function of that context.

====================  =====================================================================================
context               function
====================  =====================================================================================
HTML element content  :func:`html_text` (tables, popups, tooltips, the report, widget HTML)
HTML attribute value  :func:`html_attr` (``data-engagement="…"``, ``download="…"``, ``srcdoc="…"``)
JavaScript string     :func:`js_string` (a string literal inside a ``<script>``, e.g. folium templates)
plotly text           :func:`plotly_text` (hover text, tick labels, bar text: plotly's pseudo-HTML)
Markdown              :func:`markdown_text` (a Markdown cell or ``IPython.display.Markdown``)
spreadsheet cell      :func:`looks_like_formula` (a text cell a spreadsheet could read as a formula)
====================  =====================================================================================

Braces are encoded too (``&#123;``, ``\\u007b``): folium's maps are built with Jinja, and branca renders each
script it has assembled as a Jinja template once more, so a ``{{ … }}`` or ``{% … %}`` in scenario text would
otherwise run as a template on the server (Python objects reachable: code execution in the kernel or in
``kp-plan export``), and a ``{#`` would end the map in a template syntax error.

All of them first apply :func:`visible_text`, so every view and export shows the same characters: line
breaks are kept (CR LF and CR become LF), tab is kept, and the characters that no HTML page, XML workbook
or iCalendar file can carry (other C0 control characters and DEL) become their visible Unicode "control
picture" (U+2400 …), so a stray control character is seen instead of silently lost or crashing a writer.
"""

from __future__ import annotations

import html
import re

from jinja2.utils import htmlsafe_json_dumps

# C0 controls (but tab and line feed) and DEL → Control Pictures (U+2400 + code, U+2421 for DEL); what XML 1.0
# cannot hold at all (lone surrogates, U+FFFE, U+FFFF) → the replacement character.
_INVISIBLE = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)}
_INVISIBLE[0x7F] = 0x2421
_INVISIBLE.update({code: 0xFFFD for code in (*range(0xD800, 0xE000), 0xFFFE, 0xFFFF)})

# CommonMark lets a backslash escape any ASCII punctuation; '&' and '<' become entities instead (below).
_MARKDOWN_PUNCTUATION = re.compile(r"([!-%'-/:;=>?@\[-`{-~])")
_LEADING_BLANKS = re.compile(r"^[ \t]+", re.M)

# OWASP CSV-injection guidance: a cell starting with one of these may be read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def visible_text(value: object) -> str:
    """``value`` as text that every output can carry and show (see the module docstring)."""
    text = str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_INVISIBLE)


def _html(text: str) -> str:
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def html_text(value: object) -> str:
    """Text for the content of an HTML element: ``&``, ``<``, ``>``, both quotes and braces become entities,
    so no tag, comment or entity of the data is ever parsed (nor a template: see the module docstring)."""
    return _html(visible_text(value))


def html_attr(value: object) -> str:
    """Text for a double- or single-quoted HTML attribute value (write the quotes around it)."""
    return _html(visible_text(value))


def js_string(value: object) -> str:
    """A JavaScript string literal (quotes included) holding the text, safe inside an HTML ``<script>``:
    JSON with ``<``, ``>``, ``&`` and ``'`` as ``\\u`` escapes, so neither ``</script>`` nor ``<!--`` can end
    the script, with braces escaped (no template, see the module docstring) and every non-ASCII character
    escaped (U+2028 included). Never use it inside a template literal (backticks): use the literal it
    returns as a whole expression."""
    literal = str(htmlsafe_json_dumps(visible_text(value)))
    return literal.replace("{", "\\u007b").replace("}", "\\u007d")  # the literal holds no brace of its own


def plotly_text(value: object) -> str:
    """Text for plotly labels, hover text and tick labels. plotly.js reads these as a small HTML subset
    (``<b>``, ``<a href>``, ``<br>`` …) and decodes ``&amp;``, ``&lt;``, ``&gt;``: those three are encoded so
    that nothing of the data is a tag, and a line break becomes plotly's ``<br>``."""
    return html.escape(visible_text(value), quote=False).replace("\n", "<br>")


def markdown_text(value: object) -> str:
    """Text for Markdown that renders as exactly these characters: ASCII punctuation is backslash-escaped,
    ``&`` and ``<`` are entities (no HTML, no autolink), leading blanks are entities (no code block) and each
    line break inside the text is a hard line break (one at the very end, where Markdown has no hard break,
    is an entity)."""
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", visible_text(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _LEADING_BLANKS.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), text)
    body = text.rstrip("\n")
    return body.replace("\n", "\\\n") + "&#10;" * (len(text) - len(body))


def looks_like_formula(value: object) -> bool:
    """True for a text a spreadsheet program could take for a formula (or a DDE call): it starts with
    ``=``, ``+``, ``-``, ``@``, tab or carriage return (OWASP CSV-injection guidance)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


__all__ = ["FORMULA_STARTS", "html_attr", "html_text", "js_string", "looks_like_formula", "markdown_text",
           "plotly_text", "visible_text"]
