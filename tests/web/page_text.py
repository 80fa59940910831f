"""What a page says, for the language and accessibility browser tests: its visible text, the
Vietnamese of the catalogue that is left in it and the internal codes it shows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.rules.titles import BY_CODE as TITLES
from engine.models import Campaign, CouncilTerm, Dossier, OrgUnit, RuleSetting, User
from engine.models.org import ROLES
from engine.read.stats import STAGE_LABELS

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)

#: The page's text in reading order: text nodes (an SVG label's lines joined), the attributes
#: people hear or see (title, aria-label, placeholder, alt) and the document's title. Typed
#: values (textarea, input values) are the user's own words and left out.
TEXT_JS = """() => {
  const out = [];
  const squash = (t) => t.replace(/\\s+/g, ' ').trim();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, textarea, svg text')) continue;
    const text = squash(node.textContent);
    if (text) out.push(text);
  }
  for (const label of document.querySelectorAll('svg text')) {
    const text = squash(Array.from(label.childNodes).map((n) => n.textContent).join(' '));
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value && squash(value)) out.push(squash(value));
    }
  }
  out.push(squash(document.title));
  return out;
}"""


@cache
def catalogue() -> frozenset[str]:
    """Return the Vietnamese messages of the catalogue whose English differs from them."""
    with PO.open("rb") as handle:
        po = read_po(handle)
    return frozenset(
        " ".join(m.id.split())
        for m in po
        if isinstance(m.id, str)
        and m.id
        and m.string
        and m.string != m.id
        and VIETNAMESE.search(m.id)
    )


@cache
def internal_codes() -> frozenset[str]:
    """Return the codes the interface must name: stages, titles, roles and user task ids."""
    codes = set(STAGE_LABELS) | set(TITLES) | {r.code for r in ROLES}
    for path in (ROOT / "workflows").glob("*.bpmn"):
        for element in ET.parse(path).getroot().iter():  # noqa: S314 - our own files
            if element.tag.endswith("}userTask") and element.get("id"):
                codes.add(element.get("id") or "")
    return frozenset(codes)


def data_texts(factory: sessionmaker[Session]) -> frozenset[str]:
    """Return the data a page may show as it was entered, in Vietnamese in any language: names
    of people, units, campaigns, council terms, nominees, and the rules' citations."""
    columns: Iterable[Any] = (
        User.full_name,
        User.username,
        User.position,
        OrgUnit.name,
        Campaign.name,
        CouncilTerm.name,
        Dossier.nominee_name,
        RuleSetting.citation,
    )
    with factory() as session:
        found = {v for column in columns for v in session.scalars(select(column)) if v}
    return frozenset(v for v in found if len(v) > 3)


@dataclass(frozen=True)
class Leak:
    kind: str  # "vietnamese" (a catalogue message) or "code"
    what: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind} «{self.what}» in «{self.text[:100]}»"


def leaks(texts: Iterable[str], data: frozenset[str], *, english: bool) -> set[Leak]:
    """Return the catalogue's Vietnamese (in English) and the internal codes in ``texts``.

    A text node that is a message, or holds a message of three words or more, is Vietnamese
    left untranslated; data (names) is taken out first. A code counts when it is the whole
    text, or a word with an underscore or in capitals (an English word such as "posting" in a
    sentence is not the code).
    """
    messages = catalogue()
    long_messages = sorted((m for m in messages if len(m.split()) >= 3), key=len, reverse=True)
    ordered_data = sorted(data, key=len, reverse=True)
    found: set[Leak] = set()
    for original in texts:
        text = original
        for value in ordered_data:
            if value in text:
                text = text.replace(value, " ")
        text = " ".join(text.split())
        if not text:
            continue
        if english:
            if text in messages:
                found.add(Leak("vietnamese", text, original))
            elif VIETNAMESE.search(text):
                hit = next((m for m in long_messages if m in text), None)
                if hit:
                    found.add(Leak("vietnamese", hit, original))
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
            if word in internal_codes() and ("_" in word or word.isupper() or word == text):
                found.add(Leak("code", word, original))
    return found


def page_leaks(page: Any, data: frozenset[str], *, english: bool) -> set[Leak]:
    """Return what :func:`leaks` finds on the page now shown."""
    return leaks(page.evaluate(TEXT_JS), data, english=english)
