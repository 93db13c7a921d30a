"""NewsML-G2 structure checked element by element against IPTC's own model of the standard.

No package registry ships the NewsML-G2 XML schema (checked: PyPI, npm, Debian). IPTC's Python library
`newsmlg2` (PyPI, by IPTC's managing director) models NewsML-G2 2.35 as classes: for each element its attributes
(name, XSD type, required or not) and its child elements in schema order. This walks a document against that
model: every element must be a child the model allows at that place and in that order, every attribute one the
model declares, every required attribute present, and each value must be of the declared XSD type.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from lxml import etree
from NewsMLG2.newsitem import NewsItem

NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _integer(minimum: int) -> Callable[[str], bool]:
    return lambda value: re.fullmatch(r"\d+", value) is not None and int(value) >= minimum


def _datetime(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


TYPE_CHECKS: dict[str, Callable[[str], bool]] = {
    "xs:nonNegativeInteger": _integer(0),
    "xs:positiveInteger": _integer(1),
    "positive integer": _integer(1),
    "xs:integer": lambda v: re.fullmatch(r"-?\d+", v) is not None,
    "xs:decimal": lambda v: re.fullmatch(r"-?\d+(\.\d+)?", v) is not None,
    "xs:boolean": lambda v: v in ("true", "false", "1", "0"),
    "QCodeType": lambda v: re.fullmatch(r"[^\s:]+:[^\s]*", v) is not None,
    "IRIType": lambda v: bool(v) and not re.search(r"\s", v),
    "xs:anyURI": lambda v: bool(v) and not re.search(r"\s", v),
    "xs:dateTime": _datetime,
    "DateOptTimeType": lambda v: _datetime(v) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None,
}
# Elements whose text is a date-time in NewsML-G2.
DATETIME_ELEMENTS = {"versionCreated", "firstCreated", "contentModified"}


def check_news_item(document: bytes) -> list[str]:
    """The problems found; an empty list for a document that fits the model."""
    root = etree.fromstring(document)
    problems: list[str] = []
    if root.tag != f"{{{NAR}}}newsItem":
        return [f"root is {root.tag}, not a NewsML-G2 newsItem"]
    _check(root, NewsItem, "newsItem", problems)
    return problems


def _attributes(model: Any) -> dict[str, dict[str, Any]]:
    return {definition["xml_name"]: definition for definition in model.get_attribute_definitions().values()}


def _children(model: Any) -> list[tuple[str, Any]]:
    # The library writes two names in lower case (altid, exclaudience) where the schema has altId, exclAudience.
    return [(definition["xml_name"].lower(), definition["element_class"])
            for _name, definition in model.get_element_definitions()]


def _check(element: Any, cls: type, path: str, problems: list[str]) -> None:
    model = object.__new__(cls)  # the definitions only: some classes expect a parsed element in __init__
    declared = _attributes(model)
    for name, value in element.attrib.items():
        definition = declared.get(name)
        if definition is None:
            problems.append(f"{path}: attribute {name} is not declared for {cls.__name__}")
            continue
        check = TYPE_CHECKS.get(definition.get("xml_type", ""))
        if check is not None and not check(value):
            problems.append(f"{path}/@{name}: {value!r} is not a {definition['xml_type']}")
    for name, definition in declared.items():
        if definition.get("use") == "required" and name not in element.attrib:
            problems.append(f"{path}: required attribute {name} is missing")
    if etree.QName(element).localname in DATETIME_ELEMENTS and not _datetime(element.text or ""):
        problems.append(f"{path}: {element.text!r} is not a date-time")
    _check_children(element, model, path, problems)


def _check_children(element: Any, model: Any, path: str, problems: list[str]) -> None:
    allowed = _children(model)
    order = [name for name, _cls in allowed]
    last = -1
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments
        qname = etree.QName(child)
        if qname.namespace != NAR:
            problems.append(f"{path}: {child.tag} is outside the NewsML-G2 namespace")
            continue
        name = qname.localname.lower()
        if name not in order:
            problems.append(f"{path}: {qname.localname} is not allowed in {type(model).__name__}")
            continue
        position = order.index(name)
        if position < last:
            problems.append(f"{path}: {qname.localname} comes after {order[last]}, out of the schema's order")
        last = max(last, position)
        child_cls = model.get_element_class(dict(allowed)[name])
        _check(child, child_cls, f"{path}/{qname.localname}", problems)
