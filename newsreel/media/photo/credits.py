"""Photo credits in the two places press software looks: IPTC IIM (JPEG APP13) and XMP.

Only three fields are handled: creator (IPTC By-line 2:80, XMP dc:creator), credit line (IPTC Credit 2:110,
XMP photoshop:Credit) and copyright notice (IPTC 2:116, XMP dc:rights). IIM is written as UTF-8 and says so
(dataset 1:90), which every current reader honours.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from newsreel.media.probe import PhotoCredits

_IIM_BYLINE, _IIM_CREDIT, _IIM_COPYRIGHT = 80, 110, 116
_UTF8_MARKER = b"\x1b%G"
_PHOTOSHOP_SIGNATURE = b"Photoshop 3.0\x00"
_XMP_SIGNATURE = b"http://ns.adobe.com/xap/1.0/\x00"
_IRB_IPTC = 0x0404

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xml": "http://www.w3.org/XML/1998/namespace",
}


# --- IPTC IIM -------------------------------------------------------------------------------------------


def _dataset(record: int, number: int, value: bytes) -> bytes:
    if len(value) > 0x7FFF:
        value = value[:0x7FFF]
    return struct.pack(">BBBH", 0x1C, record, number, len(value)) + value


def build_iim(credits: PhotoCredits) -> bytes:
    """An IIM block (records 1 and 2) holding the credits."""
    out = _dataset(1, 90, _UTF8_MARKER) + _dataset(2, 0, b"\x00\x04")
    for number, value in (
        (_IIM_BYLINE, credits.creator),
        (_IIM_CREDIT, credits.credit_line),
        (_IIM_COPYRIGHT, credits.copyright_notice),
    ):
        if value:
            out += _dataset(2, number, value.encode("utf-8"))
    return out


def build_app13(credits: PhotoCredits) -> bytes:
    """A complete JPEG APP13 segment (marker included) with a Photoshop IPTC resource."""
    iim = build_iim(credits)
    resource = b"8BIM" + struct.pack(">H", _IRB_IPTC) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    if len(iim) % 2:
        resource += b"\x00"
    payload = _PHOTOSHOP_SIGNATURE + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def parse_iim(data: bytes) -> PhotoCredits:
    values: dict[int, list[bytes]] = {}
    utf8 = False
    pos = 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, number, length = data[pos + 1], data[pos + 2], struct.unpack(">H", data[pos + 3 : pos + 5])[0]
        if length & 0x8000:  # extended datasets are never credits; stop rather than guess
            break
        value = data[pos + 5 : pos + 5 + length]
        pos += 5 + length
        if record == 1 and number == 90:
            utf8 = value == _UTF8_MARKER
        elif record == 2:
            values.setdefault(number, []).append(value)

    def text(number: int) -> str | None:
        parts = values.get(number)
        if not parts:
            return None
        decoded = [_decode_iim(v, utf8) for v in parts]
        return "; ".join(d for d in decoded if d) or None

    return PhotoCredits(
        creator=text(_IIM_BYLINE), credit_line=text(_IIM_CREDIT), copyright_notice=text(_IIM_COPYRIGHT)
    )


def _decode_iim(value: bytes, utf8: bool) -> str:
    try:
        return value.decode("utf-8").strip()
    except UnicodeDecodeError:
        # Older writers used Latin-1 without saying so.
        return value.decode("utf-8" if utf8 else "latin-1", errors="replace").strip()


def iim_from_photoshop_irb(data: bytes) -> bytes | None:
    """The IPTC block inside a Photoshop image resource block list (APP13 payload without signature)."""
    pos = 0
    while pos + 12 <= len(data) and data[pos : pos + 4] == b"8BIM":
        resource_id = struct.unpack(">H", data[pos + 4 : pos + 6])[0]
        name_len = data[pos + 6]
        name_total = 1 + name_len + ((1 + name_len) % 2)
        size_at = pos + 6 + name_total
        if size_at + 4 > len(data):
            return None
        size = struct.unpack(">I", data[size_at : size_at + 4])[0]
        body = data[size_at + 4 : size_at + 4 + size]
        if resource_id == _IRB_IPTC:
            return body
        pos = size_at + 4 + size + (size % 2)
    return None


# --- XMP ------------------------------------------------------------------------------------------------


def build_xmp(credits: PhotoCredits) -> bytes:
    """A minimal XMP packet with the credits."""
    fields = []
    if credits.creator:
        fields.append(
            f"<dc:creator><rdf:Seq><rdf:li>{escape(credits.creator)}</rdf:li></rdf:Seq></dc:creator>"
        )
    if credits.copyright_notice:
        fields.append(
            '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{escape(credits.copyright_notice)}</rdf:li></rdf:Alt></dc:rights>"
        )
    if credits.credit_line:
        fields.append(f"<photoshop:Credit>{escape(credits.credit_line)}</photoshop:Credit>")
    body = "\n   ".join(fields)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        f' <rdf:RDF xmlns:rdf="{_NS["rdf"]}">\n'
        f'  <rdf:Description rdf:about="" xmlns:dc="{_NS["dc"]}" xmlns:photoshop="{_NS["photoshop"]}">\n'
        f"   {body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


_DANGEROUS_XML = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_xmp(packet: bytes) -> PhotoCredits:
    """Credits from an XMP packet; an unreadable or suspicious packet yields no credits, never an error."""
    if len(packet) > 4 * 1024 * 1024 or _DANGEROUS_XML.search(packet):
        return PhotoCredits()
    start = packet.find(b"<x:xmpmeta")
    end = packet.rfind(b"</x:xmpmeta>")
    if start < 0 or end < 0:
        start, end = packet.find(b"<rdf:RDF"), packet.rfind(b"</rdf:RDF>") - 2
        if start < 0 or end < 0:
            return PhotoCredits()
        end_tag = b"</rdf:RDF>"
    else:
        end_tag = b"</x:xmpmeta>"
    try:
        root = ET.fromstring(packet[start : end + len(end_tag)])  # noqa: S314 - DTDs refused above
    except ET.ParseError:
        return PhotoCredits()

    def first(path: str) -> str | None:
        node = root.find(path, _NS)
        return node.text.strip() if node is not None and node.text and node.text.strip() else None

    def attribute(name: str) -> str | None:
        for desc in root.iter(f"{{{_NS['rdf']}}}Description"):
            value = desc.get(name)
            if value:
                return value.strip()
        return None

    creators = [
        n.text.strip() for n in root.iterfind(".//dc:creator//rdf:li", _NS) if n.text and n.text.strip()
    ]
    alternatives = [
        (li.get(f"{{{_NS['xml']}}}lang"), li.text.strip())
        for li in root.iterfind(".//dc:rights//rdf:li", _NS)
        if li.text and li.text.strip()
    ]
    rights = next(
        (text for lang, text in alternatives if lang == "x-default"),
        alternatives[0][1] if alternatives else None,
    )
    credit = first(".//photoshop:Credit") or attribute(f"{{{_NS['photoshop']}}}Credit")
    return PhotoCredits(creator="; ".join(creators) or None, credit_line=credit, copyright_notice=rights)


# --- JPEG segments --------------------------------------------------------------------------------------


def jpeg_metadata_segments(data: bytes) -> tuple[bytes | None, bytes | None]:
    """The IPTC IIM block and the XMP packet of a JPEG (raw bytes of the file head), each None if absent."""
    iim = xmp = None
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan: no metadata after this
            break
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        payload = data[pos + 4 : pos + 2 + length]
        if marker == 0xED and payload.startswith(_PHOTOSHOP_SIGNATURE) and iim is None:
            iim = iim_from_photoshop_irb(payload[len(_PHOTOSHOP_SIGNATURE) :])
        elif marker == 0xE1 and payload.startswith(_XMP_SIGNATURE) and xmp is None:
            xmp = payload[len(_XMP_SIGNATURE) :]
        pos += 2 + length
    return iim, xmp


def combine(iptc: PhotoCredits, xmp: PhotoCredits) -> PhotoCredits:
    """IPTC and XMP credits merged; XMP wins where both exist, as the IPTC Photo Metadata standard advises."""
    return xmp.merged_over(iptc)
