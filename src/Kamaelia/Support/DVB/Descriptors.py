"""Descriptors: the tagged records inside MPEG-2 and DVB tables, parsed into dicts.

Example Usage
-------------
Parse a descriptor loop (here a service descriptor, as in an SDT, and a
stream identifier, as in a PMT), one descriptor at a time or all at once::

    from Kamaelia.Support.DVB.Descriptors import (parseDescriptor, parseDescriptors,
                                                  serviceDescriptor, makeDescriptor)

    loop = serviceDescriptor(0x01, "BBC", "BBC ONE") + makeDescriptor(0x52, b"\\x05")

    (tag, service), i = parseDescriptor(0, loop)
    assert tag == 0x48 and i == 15
    assert service == {"type": "service", "service_type": "digital television service",
                       "service_provider_name": "BBC", "service_name": "BBC ONE"}

    assert parseDescriptors(loop) == [
        (0x48, service), (0x52, {"type": "stream_identifier", "component_tag": 5})]

Damaged data raises :class:`DescriptorError` (a ``ValueError``) and nothing
else::

    from Kamaelia.Support.DVB.Descriptors import DescriptorError, parseDescriptors

    try:
        parseDescriptors(b"\\x48\\x10\\x01")
    except DescriptorError as exc:
        print(exc)
    # descriptor 0x48 at offset 0: its length (16) runs past the end of the data (1 byte left)

How does it work?
-----------------
A descriptor is a tag byte, a length byte and that many bytes of body
(ISO/IEC 13818-1 2.6, ETSI EN 300 468 6). ``parseDescriptor(i, data)``
reads the one starting at ``data[i]`` and returns ``((tag, parsed), end)``,
``end`` being where the next one starts. It picks a parser by tag from a
list of tables (``parser_sets``; by default :data:`coreDescriptorParsers`,
the MPEG-2, EN 300 468, TS 102 323 and UK "D-Book" descriptors), the first
table with a parser for the tag winning; a tag none has gets
:func:`parser_Null_Descriptor`. :func:`parseDescriptors_TS102323` puts TS
102 323's meanings of tags 0x40-0x42 (in its RNT) first.
:func:`parseDescriptors` parses a whole descriptor loop into a list.

Every parser is ``parser(data, i, length, end) -> dict`` (1.14's names
and signature; ``i`` is where the descriptor's tag is, ``end`` the first
byte after it) and every dict has a ``"type"`` naming its kind. The kinds
that the table parsers and the recorder rely on:

* network_name (0x40): ``{"type": "network_name", "network_name": str}``
* service_list (0x41): ``{"type": "service_list", "services": [{"service_id": int,
  "service_type": str or int}, ...]}``
* ISO_639_language (0x0A): ``{"type": "ISO_639", "entries": [{"language_code": str,
  "audio_type": "" or "CLEAN" or "HEARING IMPAIRED" or "VISUAL IMPAIRED COMMENTARY"
  or int}, ...]}``
* service (0x48): ``{"type": "service", "service_type": str or int,
  "service_provider_name": str, "service_name": str}``
* short_event (0x4D): ``{"type": "short_event", "language_code": str,
  "name": str, "text": str}``
* extended_event (0x4E): ``{"type": "extended_event", "descriptor_number": int,
  "last_descriptor_number": int, "language_code": str, "items": [{"description": str,
  "item": str}, ...], "text": str, "contents": bytes}``
* component (0x50): ``{"type": "component", "stream_content": int,
  "component_type": int, "component_tag": int, "content,type": (str, str) or
  (int, int), "language_code": str, "text": str}``
* stream_identifier (0x52): ``{"type": "stream_identifier", "component_tag": int}``
* content (0x54): ``{"type": "content", "contents": bytes, "content_level_1": str or int,
  "content_level_2": str or int, "user1": int, "user2": int, "entries": [...]}``,
  ``entries`` holding a dict of the four for each genre (there may be
  several); the top-level four are the first's, and are absent when there is none.
* parental_rating (0x55): ``{"type": "parental_rating", "contents": bytes,
  "entries": [{"country_code": str, "rating": int, "minimum_age": int or None}, ...]}``
  (ratings 0x01-0x0F are a minimum age of rating + 3; others are None).
* a tag no table knows: ``{"type": "UNKNOWN", "contents": bytes}``.

Names are looked up in 1.14's tables (service types, stream/component
types, genres, private data specifiers); a value they do not have is given
as its number. Text (names, titles, descriptions) is decoded with
``Kamaelia.Support.DVB.Text.decodeText``, so it is ``str`` with any
character table and control codes handled. Language and country codes (ISO
639-2, ISO 3166), CRIDs, authorities and URIs are ``str`` too, taken byte
for byte (Latin-1, so nothing is lost). Bodies that are not parsed are
``bytes`` under ``"contents"``. Each parser's docstring gives its dict.

A descriptor whose length runs past the end of the data, or whose body is
too short for the fields its kind has (or ends part way through a list
entry), raises :class:`DescriptorError`, which says which descriptor (tag
and offset) and what was wrong; table parsers catch it and drop the table.
Bytes after the fields a parser reads are ignored, as EN 300 468 asks for
fields a later version may add. Time is linear in the length of the data.

For writing tables (and for tests) there are :func:`makeDescriptor` (any
tag and body), :func:`serviceDescriptor`, :func:`shortEventDescriptor`,
:func:`extendedEventDescriptor` and :func:`contentDescriptor`; text given
as ``str`` is encoded with ``encodeText`` (plain if it fits the default
table, else UTF-8), ``bytes`` are written as they are.

Tuning parameters (terrestrial and cable delivery system descriptors) are
given as the names of the Linux DVB API's values (``"BANDWIDTH_8_MHZ"``,
``"QAM_64"``, ``"FEC_2_3"``, ``"GUARD_INTERVAL_1_32"``,
``"TRANSMISSION_MODE_8K"``, ``"HIERARCHY_NONE"``, ``"INVERSION_AUTO"``), and
frequencies in Hz.

Differences from 1.14
---------------------
* 1.14's module raised ``NotImplementedError`` on import ("bit rot").
* ``data`` is ``bytes`` (1.14: a Python 2 ``str``); a ``bytearray`` or
  ``memoryview`` is copied to ``bytes``.
* Text fields are decoded ``str`` (1.14 gave the raw bytes, selector byte
  and all); codes are ``str``; unparsed bodies are ``bytes``.
* Damaged descriptors raise :class:`DescriptorError`; 1.14 raised
  ``IndexError`` (or returned garbage from a short body, or looped on
  nothing).
* service_list gave each ``service_type`` as a one-element tuple (a stray
  comma); here it is the name or number itself.
* extended_event, parental_rating, bouquet_name, country_availability,
  linkage, CA_identifier, teletext and the four multilingual descriptors
  are parsed (1.14 gave only ``"contents"``, which is kept). content gives
  every genre in ``"entries"`` (1.14 read only the first);
  local_time_offset gives every region in ``"entries"`` (1.14 read only
  the first, whose keys are kept at the top level), and its
  ``"timeOfChange"`` is None when the field is "undefined" (all ones).
* cable_delivery_system read the symbol rate's last digit ten times too
  big; here all seven digits are right. Its FEC 3/5 and 9/10 are
  ``"FEC_3_5"`` and ``"FEC_9_10"`` (1.14: ``"3/5"``, ``"9/10"``). A BCD
  digit above 9 (frequencies, symbol rates, time offsets) raises
  :class:`DescriptorError`; 1.14's ``unBCD`` made a wrong number of it.
* content_identifier read a CRID reference (crid_location 1) one byte too
  late; here it is the two bytes after the flags, as TS 102 323 has it.
  An unknown crid_location raises :class:`DescriptorError` (1.14: a bare
  ``ValueError``).
* The stream/component table had (0x01, 0x05) twice, so "4:3 aspect ratio,
  30 Hz" was lost and (0x01, 0x08) missing; both are right here. Typos in
  1.14's names are fixed ("Popular Culture/Traditional Arts",
  "Serious/Classical/Religious/Historical", "aspect ratio monitor").
  Service types 0x1C-0x1F of later EN 300 468 versions are added.
* Tuning parameters are Linux DVB API names (1.14 used its Pyrex ``dvb3``
  binding's constants, or the strings ``"dvb3.frontend.NAME"`` without
  it); the DVB-T 4k transmission mode and 5 MHz bandwidth are added.
  ``other_frequencies`` is a ``bool`` (1.14: 0 or 1).
* :func:`parseDescriptors`, the writers and :data:`coreDescriptorParsers`
  are new.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from Kamaelia.Support.DVB.DateTime import DateError, parseUTC, unBCD
from Kamaelia.Support.DVB.Text import decodeText, encodeText

__all__ = [
    "DescriptorError", "Descriptor", "DescriptorParser", "parseDescriptor",
    "parseDescriptors", "parseDescriptors_TS102323", "coreDescriptorParsers",
    "coreExtensionDescriptorParsers", "ts102323OverrideDescriptorParsers", "unBCD",
    "makeDescriptor", "serviceDescriptor", "shortEventDescriptor",
    "extendedEventDescriptor", "contentDescriptor",
    "parser_Null_Descriptor",
    # ISO/IEC 13818-1
    "parser_video_stream_Descriptor", "parser_audio_stream_Descriptor",
    "parser_hierarchy_Descriptor", "parser_registration_Descriptor",
    "parser_data_stream_alignment_Descriptor", "parser_target_background_grid_Descriptor",
    "parser_video_window_Descriptor", "parser_CA_Descriptor", "parser_ISO_639_Descriptor",
    "parser_system_clock_Descriptor", "parser_multiplex_buffer_utilisation_Descriptor",
    "parser_copyright_Descriptor", "parser_maximum_bitrate_Descriptor",
    "parser_private_data_indicator_Descriptor", "parser_smoothing_buffer_Descriptor",
    "parser_STD_Descriptor", "parser_IBP_Descriptor",
    # ETSI EN 300 468
    "parser_network_name_Descriptor", "parser_service_list_Descriptor",
    "parser_stuffing_Descriptor", "parser_satellite_delivery_system_Descriptor",
    "parser_cable_delivery_system_Descriptor", "parser_VBI_data_Descriptor",
    "parser_VBI_teletext_Descriptor", "parser_bouquet_name_Descriptor",
    "parser_service_Descriptor", "parser_country_availability_Descriptor",
    "parser_linkage_Descriptor", "parser_NVOD_reference_Descriptor",
    "parser_time_shifted_service_Descriptor", "parser_short_event_Descriptor",
    "parser_extended_event_Descriptor", "parser_time_shifted_event_Descriptor",
    "parser_component_Descriptor", "parser_mosaic_Descriptor",
    "parser_stream_identifier_Descriptor", "parser_CA_identifier_Descriptor",
    "parser_content_Descriptor", "parser_parental_rating_Descriptor",
    "parser_teletext_Descriptor", "parser_telephone_Descriptor",
    "parser_local_time_offset_Descriptor", "parser_subtitling_Descriptor",
    "parser_terrestrial_delivery_system_Descriptor",
    "parser_multilingual_network_name_Descriptor",
    "parser_multilingual_bouquet_name_Descriptor",
    "parser_multilingual_service_name_Descriptor",
    "parser_multilingual_component_Descriptor",
    "parser_private_data_specifier_Descriptor", "parser_service_move_Descriptor",
    "parser_short_smoothing_buffer_Descriptor", "parser_frequency_list_Descriptor",
    "parser_partial_transport_stream_Descriptor", "parser_data_broadcast_Descriptor",
    "parser_CA_system_Descriptor", "parser_data_broadcast_id_Descriptor",
    "parser_transport_stream_Descriptor", "parser_DSNG_Descriptor", "parser_PDC_Descriptor",
    "parser_AC3_Descriptor", "parser_ancillary_data_Descriptor",
    "parser_cell_list_Descriptor", "parser_cell_frequency_link_Descriptor",
    "parser_announcement_support_Descriptor", "parser_extension_Descriptor",
    "ext_parser_uri_linkage_Descriptor", "ext_parser_bci_ancillary_data_Descriptor",
    # "The D-Book"
    "parser_logical_channel_Descriptor", "parser_preferred_name_list_Descriptor",
    "parser_preferred_name_identifier_Descriptor", "parser_service_attribute_Descriptor",
    "parser_short_service_name_Descriptor",
    # ETSI TS 102 323
    "parser_content_labelling_Descriptor", "parser_metadata_pointer_Descriptor",
    "parser_metadata_Descriptor", "parser_rar_over_dvb_stream_Descriptor",
    "parser_rar_over_ip_Descriptor", "parser_rnt_scan_Descriptor",
    "parse_default_authority_Descriptor", "parse_related_content_Descriptor",
    "parse_tva_id_Descriptor", "parse_content_identifier_Descriptor",
]

#: A parsed descriptor: always has "type"; the other keys depend on it.
Descriptor = dict[str, Any]
#: ``parser(data, i, length, end) -> Descriptor``
DescriptorParser = Callable[[bytes, int, int, int], Descriptor]


class DescriptorError(ValueError):
    """DescriptorError(message, tag=None, offset=None): a damaged descriptor.

    ``tag`` and ``offset`` (of the tag byte in the data) say which, when known.
    """

    def __init__(self, message: str, tag: int | None = None, offset: int | None = None):
        super().__init__(message)
        self.tag = tag
        self.offset = offset


# ------------------------------------------------------------ reading aids

def _fail(data: bytes, i: int, what: str) -> DescriptorError:
    tag = data[i] if 0 <= i < len(data) else None
    name = f"descriptor {tag:#04x}" if tag is not None else "descriptor"
    return DescriptorError(f"{name} at offset {i}: {what}", tag, i)


def _body(data: bytes, i: int, end: int) -> bytes:
    # The descriptor's body, checked to lie inside the data.
    if i < 0 or end < i + 2 or end > len(data):
        raise _fail(data, i, f"its body (offsets {i + 2} to {end}) is not inside "
                             f"the data ({len(data)} bytes)")
    return data[i + 2:end]


def _need(body: bytes, size: int, data: bytes, i: int, what: str) -> None:
    if len(body) < size:
        raise _fail(data, i, f"{what} needs {size} bytes of body, it has {len(body)}")


def _entries(body: bytes, size: int, data: bytes, i: int, what: str) -> Iterator[bytes]:
    # Fixed-size list entries; a part entry at the end is damage.
    if len(body) % size:
        raise _fail(data, i, f"{len(body)} bytes of body is not a whole number of "
                             f"{what} entries ({size} bytes each)")
    for start in range(0, len(body), size):
        yield body[start:start + size]


def _code(raw: bytes) -> str:
    # ISO 639 / ISO 3166 codes, CRIDs, URIs: byte for byte.
    return raw.decode("latin-1")


def _string(body: bytes, at: int, data: bytes, i: int, what: str) -> tuple[bytes, int]:
    # A length byte at ``at`` and that many bytes: (the bytes, offset after).
    if at >= len(body):
        raise _fail(data, i, f"the body ends ({len(body)} bytes) before the length of {what}")
    size = body[at]
    stop = at + 1 + size
    if stop > len(body):
        raise _fail(data, i, f"{what} ({size} bytes from body offset {at + 1}) runs past "
                             f"the end of the body ({len(body)} bytes)")
    return body[at + 1:stop], stop


def _unparsed(name: str, kind: str, spec: str) -> DescriptorParser:
    def parser(data: bytes, i: int, length: int, end: int) -> Descriptor:
        return {"type": kind, "contents": _body(data, i, end)}

    parser.__name__ = parser.__qualname__ = name
    parser.__doc__ = (f"{name}(data, i, length, end) -> dict(parsed descriptor elements)\n\n"
                      f"Not parsed; the dict is {{\"type\": \"{kind}\", \"contents\": the body "
                      f"as bytes}}.\n\n(Defined in {spec}.)")
    return parser


# ------------------------------------------------------------------ names

_service_types: dict[int, str] = {
    0x01: "digital television service",
    0x02: "digital radio sound service",
    0x03: "Teletext service",
    0x04: "NVOD reference service",
    0x05: "NVOD time-shifted service",
    0x06: "mosaic service",
    0x07: "PAL coded signal",
    0x08: "SECAM coded signal",
    0x09: "D/D2-MAC",
    0x0A: "FM Radio",
    0x0B: "NTSC coded signal",
    0x0C: "data broadcast service",
    0x0E: "RCS Map",
    0x0F: "RCS FLS",
    0x10: "DVB MHP service",
    0x11: "MPEG-2 HD digital television service",
    0x16: "advanced codec SD digital television service",
    0x17: "advanced codec SD NVOD time-shifted service",
    0x18: "advanced codec SD NVOD reference service",
    0x19: "advanced codec HD digital television service",
    0x1A: "advanced codec HD NVOD time-shifted service",
    0x1B: "advanced codec HD NVOD reference service",
    0x1C: "advanced codec frame compatible plano-stereoscopic HD digital television service",
    0x1D: "advanced codec frame compatible plano-stereoscopic HD NVOD time-shifted service",
    0x1E: "advanced codec frame compatible plano-stereoscopic HD NVOD reference service",
    0x1F: "HEVC digital television service",
}

_iso639_audiotypes: dict[int, str] = {
    0: "",
    1: "CLEAN",
    2: "HEARING IMPAIRED",
    3: "VISUAL IMPAIRED COMMENTARY",
}

_stream_component_mappings: dict[tuple[int, int], tuple[str, str]] = {
    (0x01, 0x01): ("video", "4:3 aspect ratio, 25 Hz"),
    (0x01, 0x02): ("video", "16:9 aspect ratio with pan vectors, 25 Hz"),
    (0x01, 0x03): ("video", "16:9 aspect ratio without pan vectors, 25 Hz"),
    (0x01, 0x04): ("video", "> 16:9 aspect ratio, 25 Hz"),
    (0x01, 0x05): ("video", "4:3 aspect ratio, 30 Hz"),
    (0x01, 0x06): ("video", "16:9 aspect ratio with pan vectors, 30 Hz"),
    (0x01, 0x07): ("video", "16:9 aspect ratio without pan vectors, 30 Hz"),
    (0x01, 0x08): ("video", "> 16:9 aspect ratio, 30 Hz"),
    (0x01, 0x09): ("high definition video", "4:3 aspect ratio, 25 Hz"),
    (0x01, 0x0A): ("high definition video", "16:9 aspect ratio with pan vectors, 25 Hz"),
    (0x01, 0x0B): ("high definition video", "16:9 aspect ratio without pan vectors, 25 Hz"),
    (0x01, 0x0C): ("high definition video", "> 16:9 aspect ratio, 25 Hz"),
    (0x01, 0x0D): ("high definition video", "4:3 aspect ratio, 30 Hz"),
    (0x01, 0x0E): ("high definition video", "16:9 aspect ratio with pan vectors, 30 Hz"),
    (0x01, 0x0F): ("high definition video", "16:9 aspect ratio without pan vec., 30 Hz"),
    (0x01, 0x10): ("high definition video", "> 16:9 aspect ratio, 30 Hz"),
    (0x02, 0x01): ("audio", "single mono channel"),
    (0x02, 0x02): ("audio", "dual mono channel"),
    (0x02, 0x03): ("audio", "stereo (2 channel)"),
    (0x02, 0x04): ("audio", "multi-lingual, multi-channel"),
    (0x02, 0x05): ("audio", "surround sound"),
    (0x02, 0x40): ("audio description for the visually impaired", ""),
    (0x02, 0x41): ("audio for the hard of hearing", ""),
    (0x03, 0x01): ("EBU Teletext subtitles", ""),
    (0x03, 0x02): ("associated EBU Teletext", ""),
    (0x03, 0x03): ("VBI data", ""),
    (0x03, 0x10): ("DVB subtitles (normal)", "with no monitor aspect ratio criticality"),
    (0x03, 0x11): ("DVB subtitles (normal)", "for display on 4:3 aspect ratio monitor"),
    (0x03, 0x12): ("DVB subtitles (normal)", "for display on 16:9 aspect ratio monitor"),
    (0x03, 0x13): ("DVB subtitles (normal)", "for display on 2.21:1 aspect ratio monitor"),
    (0x03, 0x20): ("DVB subtitles (for the hard of hearing)",
                   "with no monitor aspect ratio criticality"),
    (0x03, 0x21): ("DVB subtitles (for the hard of hearing)",
                   "for display on 4:3 aspect ratio monitor"),
    (0x03, 0x22): ("DVB subtitles (for the hard of hearing)",
                   "for display on 16:9 aspect ratio monitor"),
    (0x03, 0x23): ("DVB subtitles (for the hard of hearing)",
                   "for display on 2.21:1 aspect ratio monitor"),
}

_private_data_specifiers: dict[int, str] = {
    0x00000001: "SES",
    0x00000002: "BSkyB 1",
    0x00000003: "BSkyB 2",
    0x00000004: "BSkyB 3",
    0x000000BE: "BetaTechnik",
    0x00006000: "News Datacom",
    0x00006001: "NDC 1",
    0x00006002: "NDC 2",
    0x00006003: "NDC 3",
    0x00006004: "NDC 4",
    0x00006005: "NDC 5",
    0x00006006: "NDC 6",
    0x00362275: "Irdeto",
    0x004E544C: "NTL",
    0x00532D41: "Scientific Atlanta",
    0x44414E59: "News Datacom (IL) 1",
    0x46524549: "News Datacom (IL) 1",
    0x53415053: "Scientific Atlanta",
}

_content_types_level_1: dict[int, str] = {
    0x1: "Movie/Drama",
    0x2: "News/Current Affairs",
    0x3: "Show/Game show",
    0x4: "Sports",
    0x5: "Children's/Youth",
    0x6: "Music/Ballet/Dance",
    0x7: "Arts/Culture (without music)",
    0x8: "Social/Political issues/Economics",
    0x9: "Childrens/Youth Education/Science/Factual",
    0xA: "Leisure hobbies",
    0xB: "Misc",
    0xF: "Drama",       # user defined: the UK "D-Book"'s meaning
}

_content_types_level_2: dict[int, str] = {
    # movie/drama
    0x10: "General", 0x11: "Detective/Thriller", 0x12: "Adventure/Western/War",
    0x13: "Science Fiction/Fantasy/Horror", 0x14: "Comedy",
    0x15: "Soap/Melodrama/Folkloric", 0x16: "Romance",
    0x17: "Serious/Classical/Religious/Historical", 0x18: "Adult",
    # news/current affairs
    0x20: "General", 0x21: "News/Weather Report", 0x22: "Magazine", 0x23: "Documentary",
    0x24: "Discussion/Interview/Debate",
    # show/game show
    0x30: "General", 0x31: "Game show/Quiz/Contest", 0x32: "Variety", 0x33: "Talk",
    # sports
    0x40: "General", 0x41: "Special Event (Olympics/World cup/...)", 0x42: "Magazine",
    0x43: "Football/Soccer", 0x44: "Tennis/Squash", 0x45: "Team sports (excluding football)",
    0x46: "Athletics", 0x47: "Motor Sport", 0x48: "Water Sport", 0x49: "Winter Sports",
    0x4A: "Equestrian", 0x4B: "Martial sports",
    # children's/youth
    0x50: "General", 0x51: "Pre-school", 0x52: "Entertainment (6 to 14 year-olds)",
    0x53: "Entertainment (10 to 16 year-olds)", 0x54: "Informational/Educational/Schools",
    0x55: "Cartoons/Puppets",
    # music/ballet/dance
    0x60: "General", 0x61: "Rock/Pop", 0x62: "Serious music/Classical Music",
    0x63: "Folk/Traditional music", 0x64: "Jazz", 0x65: "Musical/Opera", 0x66: "Ballet",
    # arts/culture
    0x70: "General", 0x71: "Performing Arts", 0x72: "Fine Arts", 0x73: "Religion",
    0x74: "Popular Culture/Traditional Arts", 0x75: "Literature", 0x76: "Film/Cinema",
    0x77: "Experimental Film/Video", 0x78: "Broadcasting/Press", 0x79: "New Media",
    0x7A: "Magazine", 0x7B: "Fashion",
    # social/political/economic
    0x80: "General", 0x81: "Magazine/Report/Documentary", 0x82: "Economics/Social Advisory",
    0x83: "Remarkable People",
    # education/science/factual
    0x90: "General", 0x91: "Nature/Animals/Environment", 0x92: "Technology/Natural sciences",
    0x93: "Medicine/Physiology/Psychology", 0x94: "Foreign Countries/Expeditions",
    0x95: "Social/Spiritual Sciences", 0x96: "Further Education", 0x97: "Languages",
    # leisure hobbies
    0xA0: "General", 0xA1: "Tourism/Travel", 0xA2: "Handicraft", 0xA3: "Motoring",
    0xA4: "Fitness & Health", 0xA5: "Cooking", 0xA6: "Advertisement/Shopping",
    0xA7: "Gardening",
    # misc (special characteristics)
    0xB0: "Original Language", 0xB1: "Black and White", 0xB2: "Unpublished",
    0xB3: "Live Broadcast",
    # drama (user defined: the UK "D-Book"'s meanings)
    0xF0: "General", 0xF1: "Detective/Thriller", 0xF2: "Adventure/Western/War",
    0xF3: "Science Fiction/Fantasy/Horror", 0xF4: "Comedy",
    0xF5: "Soap/Melodrama/Folkloric", 0xF6: "Romance",
    0xF7: "Serious/Classical/Religious/Historical", 0xF8: "Adult",
}

_teletext_types: dict[int, str] = {
    0x01: "initial Teletext page",
    0x02: "Teletext subtitle page",
    0x03: "additional information page",
    0x04: "programme schedule page",
    0x05: "Teletext subtitle page for hearing impaired people",
}

_content_identifier_content_type: dict[int, str] = {
    0x01: "instance",
    0x02: "part of series",
    0x03: "recommendation",
}

# tuning parameters, as the Linux DVB API names its values
_dvbt_bandwidths = {0: "BANDWIDTH_8_MHZ", 1: "BANDWIDTH_7_MHZ", 2: "BANDWIDTH_6_MHZ",
                    3: "BANDWIDTH_5_MHZ"}
_dvbt_constellations = {0: "QPSK", 1: "QAM_16", 2: "QAM_64"}
_dvbt_hierarchy = {0: "HIERARCHY_NONE", 1: "HIERARCHY_1", 2: "HIERARCHY_2", 3: "HIERARCHY_4"}
_dvbt_code_rate = {0: "FEC_1_2", 1: "FEC_2_3", 2: "FEC_3_4", 3: "FEC_5_6", 4: "FEC_7_8"}
_dvbt_guard_interval = {0: "GUARD_INTERVAL_1_32", 1: "GUARD_INTERVAL_1_16",
                        2: "GUARD_INTERVAL_1_8", 3: "GUARD_INTERVAL_1_4"}
_dvbt_transmission_mode = {0: "TRANSMISSION_MODE_2K", 1: "TRANSMISSION_MODE_8K",
                           2: "TRANSMISSION_MODE_4K"}
_dvbc_fec_outer = {1: "None", 2: "RS(204/188)"}
_dvbc_modulation = {1: "QAM_16", 2: "QAM_32", 3: "QAM_64", 4: "QAM_128", 5: "QAM_256"}
_dvbc_fec_inner = {0: "FEC_NONE", 1: "FEC_1_2", 2: "FEC_2_3", 3: "FEC_3_4", 4: "FEC_5_6",
                   5: "FEC_7_8", 6: "FEC_8_9", 7: "FEC_3_5", 8: "FEC_4_5", 9: "FEC_9_10",
                   15: "FEC_NONE"}


# ------------------------------------------------------------ parsing entry points

def parseDescriptor(i: int, data: bytes | bytearray | memoryview,
                    parser_sets: Sequence[Mapping[int, DescriptorParser]] | None = None
                    ) -> tuple[tuple[int, Descriptor], int]:
    """parseDescriptor(i, data[, parser_sets]) -> ((tag, parsed dict), index after it)

    Parses the descriptor that starts at ``data[i]``. ``parser_sets`` is a
    list of tables mapping tags to parser functions, tried left to right
    (default: ``[coreDescriptorParsers]``); the first table with a parser
    other than :func:`parser_Null_Descriptor` for the tag wins, and a tag
    none of them has gets :func:`parser_Null_Descriptor`. ``data`` that is
    a ``bytearray`` or ``memoryview`` is copied to ``bytes`` first. Raises
    :class:`DescriptorError` if the descriptor does not fit in ``data`` or
    its body is too short.
    """
    if not isinstance(data, bytes):
        data = bytes(data)
    if i < 0 or i + 2 > len(data):
        raise DescriptorError(f"descriptor at offset {i}: the data ({len(data)} bytes) ends "
                              "before its tag and length", data[i] if 0 <= i < len(data)
                              else None, i)
    tag = data[i]
    length = data[i + 1]
    end = i + 2 + length
    if end > len(data):
        left = len(data) - i - 2
        raise _fail(data, i, f"its length ({length}) runs past the end of the data "
                             f"({left} byte{'' if left == 1 else 's'} left)")
    return (tag, _parserFor(tag, parser_sets)(data, i, length, end)), end


def _parserFor(tag: int,
               parser_sets: Sequence[Mapping[int, DescriptorParser]] | None) -> DescriptorParser:
    if parser_sets is None:
        return coreDescriptorParsers.get(tag, parser_Null_Descriptor)
    for parser_set in parser_sets:
        parser = parser_set.get(tag, parser_Null_Descriptor)
        if parser is not parser_Null_Descriptor:
            return parser
    return parser_Null_Descriptor


def parseDescriptors_TS102323(i: int, data: bytes | bytearray | memoryview
                              ) -> tuple[tuple[int, Descriptor], int]:
    """parseDescriptors_TS102323(i, data) -> ((tag, parsed dict), index after it)

    As :func:`parseDescriptor`, with ETSI TS 102 323's meanings of tags
    0x40-0x42 (used in its Related content Notification Table) first.
    """
    return parseDescriptor(i, data, [ts102323OverrideDescriptorParsers, coreDescriptorParsers])


def parseDescriptors(data: bytes | bytearray | memoryview,
                     parser_sets: Sequence[Mapping[int, DescriptorParser]] | None = None
                     ) -> list[tuple[int, Descriptor]]:
    """parseDescriptors(data[, parser_sets]) -> [(tag, parsed dict), ...] of a whole descriptor loop

    ``data`` is the loop and nothing else (slice it out of the table by its
    loop length); ``parser_sets`` is as for :func:`parseDescriptor`. Raises
    :class:`DescriptorError` if a descriptor is damaged or the loop ends
    part way through one.
    """
    data = bytes(data)
    out = []
    i = 0
    size = len(data)
    while i < size:
        parsed, i = parseDescriptor(i, data, parser_sets)
        out.append(parsed)
    return out


# ------------------------------------------------------------ ISO/IEC 13818-1

def parser_Null_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_Null_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    For a descriptor no table knows: ``{"type": "UNKNOWN", "contents": the
    body as bytes}``.
    """
    return {"type": "UNKNOWN", "contents": _body(data, i, end)}


_MPEG = "ISO/IEC 13818-1"
_SI = "ETSI EN 300 468"
_DBOOK = 'the UK DTG\'s "D-Book"'
_TVA = "ETSI TS 102 323"

parser_video_stream_Descriptor = _unparsed("parser_video_stream_Descriptor", "video_stream", _MPEG)
parser_audio_stream_Descriptor = _unparsed("parser_audio_stream_Descriptor", "audio_stream", _MPEG)
parser_hierarchy_Descriptor = _unparsed("parser_hierarchy_Descriptor", "hierarchy", _MPEG)
parser_registration_Descriptor = _unparsed("parser_registration_Descriptor", "registration",
                                           _MPEG)
parser_data_stream_alignment_Descriptor = _unparsed("parser_data_stream_alignment_Descriptor",
                                                    "data_stream_alignment", _MPEG)
# (1.14 called this kind "background_grid")
parser_target_background_grid_Descriptor = _unparsed(
    "parser_target_background_grid_Descriptor", "background_grid", _MPEG)
parser_video_window_Descriptor = _unparsed("parser_video_window_Descriptor", "video_window", _MPEG)
parser_system_clock_Descriptor = _unparsed("parser_system_clock_Descriptor", "system_clock", _MPEG)
parser_multiplex_buffer_utilisation_Descriptor = _unparsed(
    "parser_multiplex_buffer_utilisation_Descriptor", "multiplex_buffer_utilisation", _MPEG)
parser_copyright_Descriptor = _unparsed("parser_copyright_Descriptor", "copyright", _MPEG)
parser_maximum_bitrate_Descriptor = _unparsed("parser_maximum_bitrate_Descriptor",
                                              "maximum_bitrate", _MPEG)
parser_private_data_indicator_Descriptor = _unparsed(
    "parser_private_data_indicator_Descriptor", "private_data_indicator", _MPEG)
parser_smoothing_buffer_Descriptor = _unparsed("parser_smoothing_buffer_Descriptor",
                                               "smoothing_buffer", _MPEG)
parser_STD_Descriptor = _unparsed("parser_STD_Descriptor", "STD", _MPEG)
parser_IBP_Descriptor = _unparsed("parser_IBP_Descriptor", "IBP", _MPEG)


def parser_CA_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_CA_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The conditional access system of a stream or service::

        {"type": "CA", "CA_system_id": int, "pid": int (the ECM/EMM PID),
         "private_data": bytes}

    (Defined in ISO/IEC 13818-1.)
    """
    body = _body(data, i, end)
    _need(body, 4, data, i, "a CA descriptor")
    return {"type": "CA",
            "CA_system_id": (body[0] << 8) | body[1],
            "pid": ((body[2] << 8) | body[3]) & 0x1FFF,
            "private_data": body[4:]}


def parser_ISO_639_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_ISO_639_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The language(s) of an audio stream::

        {"type": "ISO_639",
         "entries": [{"language_code": str (ISO 639-2, e.g. "eng"),
                      "audio_type": "" or "CLEAN" or "HEARING IMPAIRED"
                                    or "VISUAL IMPAIRED COMMENTARY" or int}, ...]}

    (Defined in ISO/IEC 13818-1.)
    """
    body = _body(data, i, end)
    entries = [{"language_code": _code(entry[0:3]),
                "audio_type": _iso639_audiotypes.get(entry[3], entry[3])}
               for entry in _entries(body, 4, data, i, "language")]
    return {"type": "ISO_639", "entries": entries}


# ------------------------------------------------------------ ETSI EN 300 468

def parser_network_name_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_network_name_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The name of the network (for UK terrestrial TV, usually the transmitter)::

        {"type": "network_name", "network_name": str}

    (Defined in ETSI EN 300 468.)
    """
    return {"type": "network_name", "network_name": decodeText(_body(data, i, end))}


def parser_service_list_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_service_list_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The services (channels) of a multiplex, by id and type::

        {"type": "service_list",
         "services": [{"service_id": int,
                       "service_type": str (e.g. "digital television service") or int},
                      ...]}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    services = [{"service_id": (entry[0] << 8) | entry[1],
                 "service_type": _service_types.get(entry[2], entry[2])}
                for entry in _entries(body, 3, data, i, "service")]
    return {"type": "service_list", "services": services}


def parser_stuffing_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_stuffing_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    Padding: ``{"type": "stuffing", "length": int}``.

    (Defined in ETSI EN 300 468.)
    """
    _body(data, i, end)
    return {"type": "stuffing", "length": end - i - 2}


parser_satellite_delivery_system_Descriptor = _unparsed(
    "parser_satellite_delivery_system_Descriptor", "satellite_delivery_system", _SI)


def _bcdDigits(raw: bytes, data: bytes, i: int, what: str) -> int:
    # A run of BCD digits, two a byte, as one number.
    value = 0
    try:
        for byte in raw:
            value = value * 100 + unBCD(byte)
    except DateError as exc:
        raise _fail(data, i, f"{what}: {exc}") from None
    return value


def parser_cable_delivery_system_Descriptor(data: bytes, i: int, length: int,
                                            end: int) -> Descriptor:
    """parser_cable_delivery_system_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    How to tune to a DVB-C multiplex::

        {"type": "cable_delivery_system",
         "params": {"frequency": Hz, "fec_outer": "None" or "RS(204/188)" or int,
                    "modulation": "QAM_16" ... "QAM_256" or int,
                    "symbol_rate": symbols per second,
                    "fec_inner": "FEC_1_2" ... or int, "inversion": "INVERSION_AUTO"}}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 11, data, i, "a cable delivery system descriptor")
    # frequency: 8 BCD digits of MHz, 4 after the point (units of 100 Hz)
    frequency = _bcdDigits(body[0:4], data, i, "the frequency") * 100
    # symbol rate: 7 BCD digits of Msymbol/s, 4 after the point; the 8th
    # nibble is FEC_inner
    rate = _bcdDigits(body[7:10], data, i, "the symbol rate")
    last = body[10] >> 4
    if last > 9:
        raise _fail(data, i, f"the symbol rate's last digit {last:#x} is not BCD")
    params = {
        "frequency": frequency,
        "fec_outer": _dvbc_fec_outer.get(body[5] & 0x0F, body[5] & 0x0F),
        "modulation": _dvbc_modulation.get(body[6], body[6]),
        "symbol_rate": (rate * 10 + last) * 100,
        "fec_inner": _dvbc_fec_inner.get(body[10] & 0x0F, body[10] & 0x0F),
        "inversion": "INVERSION_AUTO",
    }
    return {"type": "cable_delivery_system", "params": params}


parser_VBI_data_Descriptor = _unparsed("parser_VBI_data_Descriptor", "VBI_data", _SI)
parser_VBI_teletext_Descriptor = _unparsed("parser_VBI_teletext_Descriptor", "VBI_teletext", _SI)


def parser_bouquet_name_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_bouquet_name_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The name of a bouquet::

        {"type": "bouquet_name", "bouquet_name": str, "contents": bytes}

    (Defined in ETSI EN 300 468; 1.14 gave only "contents".)
    """
    body = _body(data, i, end)
    return {"type": "bouquet_name", "bouquet_name": decodeText(body), "contents": body}


def parser_service_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_service_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The name, provider and type of a service (channel), in the SDT::

        {"type": "service",
         "service_type": str (e.g. "digital television service") or int,
         "service_provider_name": str,
         "service_name": str (e.g. "BBC ONE")}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 1, data, i, "a service descriptor")
    provider, at = _string(body, 1, data, i, "the service provider name")
    name, _ = _string(body, at, data, i, "the service name")
    return {"type": "service",
            "service_type": _service_types.get(body[0], body[0]),
            "service_provider_name": decodeText(provider),
            "service_name": decodeText(name)}


def parser_country_availability_Descriptor(data: bytes, i: int, length: int,
                                           end: int) -> Descriptor:
    """parser_country_availability_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The countries where a service is meant (or not meant) to be received::

        {"type": "country_availability",
         "contents": bytes (the body, as 1.14 gave it),
         "available": bool (True: the countries listed are where it is meant
                            for; False: where it is not),
         "countries": [str (ISO 3166, e.g. "GBR"), ...]}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 1, data, i, "a country availability descriptor")
    countries = [_code(entry) for entry in _entries(body[1:], 3, data, i, "country")]
    return {"type": "country_availability", "contents": body,
            "available": bool(body[0] & 0x80), "countries": countries}


def parser_linkage_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_linkage_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    A service that tells more about this one (an EPG service, a replacement
    service, a mobile hand-over...)::

        {"type": "linkage",
         "contents": bytes (the body, as 1.14 gave it),
         "transport_stream_id": int, "original_network_id": int,
         "service_id": int, "linkage_type": int,
         "private_data": bytes (what follows, which depends on the type)}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 7, data, i, "a linkage descriptor")
    return {"type": "linkage", "contents": body,
            "transport_stream_id": (body[0] << 8) | body[1],
            "original_network_id": (body[2] << 8) | body[3],
            "service_id": (body[4] << 8) | body[5],
            "linkage_type": body[6],
            "private_data": body[7:]}


parser_NVOD_reference_Descriptor = _unparsed("parser_NVOD_reference_Descriptor",
                                             "NVOD_reference", _SI)
parser_time_shifted_service_Descriptor = _unparsed(
    "parser_time_shifted_service_Descriptor", "time_shifted_service", _SI)


def parser_short_event_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_short_event_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The title and a short description of an event (programme), in the EIT::

        {"type": "short_event",
         "language_code": str (ISO 639-2, e.g. "eng"),
         "name": str (the title),
         "text": str (up to 255 bytes of description)}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 3, data, i, "a short event descriptor")
    name, at = _string(body, 3, data, i, "the event name")
    text, _ = _string(body, at, data, i, "the event text")
    return {"type": "short_event", "language_code": _code(body[0:3]),
            "name": decodeText(name), "text": decodeText(text)}


def parser_extended_event_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_extended_event_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    A longer description of an event, and itemised details (e.g. cast), in
    the EIT; a long text is split over several of these, numbered::

        {"type": "extended_event",
         "descriptor_number": int, "last_descriptor_number": int,
         "language_code": str (ISO 639-2),
         "items": [{"description": str, "item": str}, ...],
         "text": str (this descriptor's part of the text),
         "contents": bytes (the body, as 1.14 gave it)}

    Each part's text is decoded on its own (each starts with its own
    character table selector, if any).

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 5, data, i, "an extended event descriptor")
    itemsEnd = 5 + body[4]
    if itemsEnd > len(body):
        raise _fail(data, i, f"its items ({body[4]} bytes) run past the end of the body "
                             f"({len(body)} bytes)")
    items = []
    itemBytes = body[:itemsEnd]
    at = 5
    while at < itemsEnd:
        description, at = _string(itemBytes, at, data, i, "an item description")
        item, at = _string(itemBytes, at, data, i, "an item")
        items.append({"description": decodeText(description), "item": decodeText(item)})
    text, _ = _string(body, itemsEnd, data, i, "the extended event text")
    return {"type": "extended_event",
            "descriptor_number": body[0] >> 4,
            "last_descriptor_number": body[0] & 0x0F,
            "language_code": _code(body[1:4]),
            "items": items,
            "text": decodeText(text),
            "contents": body}


parser_time_shifted_event_Descriptor = _unparsed(
    "parser_time_shifted_event_Descriptor", "time_shifted_event", _SI)


def parser_component_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_component_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    A component (video, audio, subtitles) of an event or service::

        {"type": "component",
         "stream_content": int, "component_type": int,
         "component_tag": int (matches a stream_identifier in the PMT),
         "content,type": (str, str), e.g. ("audio", "stereo (2 channel)"),
                         or (stream_content, component_type) if not known,
         "language_code": str (ISO 639-2),
         "text": str}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 6, data, i, "a component descriptor")
    content, ctype = body[0] & 0x0F, body[1]
    return {"type": "component",
            "stream_content": content,
            "component_type": ctype,
            "component_tag": body[2],
            "content,type": _stream_component_mappings.get((content, ctype), (content, ctype)),
            "language_code": _code(body[3:6]),
            "text": decodeText(body[6:])}


parser_mosaic_Descriptor = _unparsed("parser_mosaic_Descriptor", "mosaic", _SI)


def parser_stream_identifier_Descriptor(data: bytes, i: int, length: int,
                                        end: int) -> Descriptor:
    """parser_stream_identifier_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The tag of an elementary stream, in the PMT, that component descriptors
    (in the EIT) refer to::

        {"type": "stream_identifier", "component_tag": int}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 1, data, i, "a stream identifier descriptor")
    return {"type": "stream_identifier", "component_tag": body[0]}


def parser_CA_identifier_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_CA_identifier_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The conditional access systems a service or event is scrambled with (in
    the SDT or EIT)::

        {"type": "CA_identifier",
         "contents": bytes (the body, as 1.14 gave it),
         "CA_system_ids": [int, ...]}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    ids = [(entry[0] << 8) | entry[1] for entry in _entries(body, 2, data, i, "CA system id")]
    return {"type": "CA_identifier", "contents": body, "CA_system_ids": ids}


def _genre(content: int, user: int) -> dict[str, Any]:
    level1, level2 = content >> 4, content & 0x0F
    return {"content_level_1": _content_types_level_1.get(level1, level1),
            "content_level_2": _content_types_level_2.get(content, level2),
            "user1": user >> 4,
            "user2": user & 0x0F}


def parser_content_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_content_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The genre(s) of an event::

        {"type": "content",
         "contents": bytes (the body),
         "content_level_1": str (e.g. "News/Current Affairs") or int,
         "content_level_2": str (e.g. "Documentary") or int,
         "user1": int, "user2": int (the user nibbles),
         "entries": [{"content_level_1": ..., "content_level_2": ...,
                      "user1": ..., "user2": ...}, ...]}

    ``entries`` has every genre given; the four keys at the top are the
    first's (absent when there is none). Names are 1.14's, with the UK
    "D-Book"'s meanings of the user-defined 0xF nibble ("Drama").

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    entries = [_genre(entry[0], entry[1]) for entry in _entries(body, 2, data, i, "genre")]
    out: Descriptor = {"type": "content", "contents": body}
    if entries:
        out.update(entries[0])
    out["entries"] = entries
    return out


def parser_parental_rating_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_parental_rating_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The ages an event is suitable for, per country::

        {"type": "parental_rating",
         "contents": bytes (the body, as 1.14 gave it),
         "entries": [{"country_code": str (ISO 3166, e.g. "GBR"),
                      "rating": int,
                      "minimum_age": rating + 3 for ratings 0x01-0x0F, else None},
                     ...]}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    entries = [{"country_code": _code(entry[0:3]), "rating": entry[3],
                "minimum_age": entry[3] + 3 if 0x01 <= entry[3] <= 0x0F else None}
               for entry in _entries(body, 4, data, i, "rating")]
    return {"type": "parental_rating", "contents": body, "entries": entries}


def parser_teletext_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_teletext_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The Teletext pages of a stream (in the PMT), e.g. its subtitle pages::

        {"type": "teletext",
         "contents": bytes (the body, as 1.14 gave it),
         "entries": [{"language_code": str (ISO 639-2),
                      "teletext_type": "initial Teletext page"
                                       or "Teletext subtitle page"
                                       or "additional information page"
                                       or "programme schedule page"
                                       or "Teletext subtitle page for hearing impaired people"
                                       or int,
                      "magazine": int (1 to 8),
                      "page": str (three hex digits, e.g. "888")}, ...]}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    entries = []
    for entry in _entries(body, 5, data, i, "Teletext page"):
        # magazine 0 is magazine 8 (Teletext's own numbering)
        magazine = (entry[3] & 0x07) or 8
        kind = entry[3] >> 3
        entries.append({"language_code": _code(entry[0:3]),
                        "teletext_type": _teletext_types.get(kind, kind),
                        "magazine": magazine,
                        "page": f"{magazine}{entry[4]:02X}"})
    return {"type": "teletext", "contents": body, "entries": entries}


parser_telephone_Descriptor = _unparsed("parser_telephone_Descriptor", "telephone", _SI)


def parser_local_time_offset_Descriptor(data: bytes, i: int, length: int,
                                        end: int) -> Descriptor:
    """parser_local_time_offset_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    Local time in regions, in the TOT: for each region, an entry::

        {"country": str (ISO 3166, e.g. "GBR"),
         "region": int (0: the whole country),
         "offset": (hours, minutes) from UTC, both negative west of Greenwich,
         "timeOfChange": [year, month, day, hour, minute, second] (UTC) when
                         the offset next changes,
         "nextOffset": (hours, minutes) from then}

    The dict is ``{"type": "local_time_offset", "entries": [entry, ...]}``,
    plus the first entry's keys at the top level (as 1.14 gave them).

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    entries = []
    for entry in _entries(body, 13, data, i, "region"):
        try:
            offset = (unBCD(entry[4]), unBCD(entry[5]))
            nextOffset = (unBCD(entry[11]), unBCD(entry[12]))
            change = parseUTC(entry[6:11])
        except DateError as exc:
            raise _fail(data, i, f"local time offset: {exc}") from None
        if entry[3] & 0x01:
            offset = (-offset[0], -offset[1])
            nextOffset = (-nextOffset[0], -nextOffset[1])
        timeOfChange = (None if change is None else
                        [change.year, change.month, change.day,
                         change.hour, change.minute, change.second])
        entries.append({"country": _code(entry[0:3]), "region": entry[3] >> 2,
                        "offset": offset, "timeOfChange": timeOfChange,
                        "nextOffset": nextOffset})
    out: Descriptor = {"type": "local_time_offset"}
    if entries:
        out.update(entries[0])
    out["entries"] = entries
    return out


def parser_subtitling_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_subtitling_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The subtitle services in a stream::

        {"type": "subtitling",
         "entries": [{"language_code": str (ISO 639-2),
                      "subtitling_type": (str, str) as component descriptors'
                                         "content,type" for stream content 0x03,
                                         or (int, "") if not known,
                      "composition_page_id": int,
                      "ancilliary_page_id": int}, ...]}

    (Defined in ETSI EN 300 468; the key's spelling is 1.14's.)
    """
    body = _body(data, i, end)
    entries = [{"language_code": _code(entry[0:3]),
                "subtitling_type": _stream_component_mappings.get((0x03, entry[3]),
                                                                  (entry[3], "")),
                "composition_page_id": (entry[4] << 8) | entry[5],
                "ancilliary_page_id": (entry[6] << 8) | entry[7]}
               for entry in _entries(body, 8, data, i, "subtitling")]
    return {"type": "subtitling", "entries": entries}


def parser_terrestrial_delivery_system_Descriptor(data: bytes, i: int, length: int,
                                                  end: int) -> Descriptor:
    """parser_terrestrial_delivery_system_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    How to tune to a DVB-T multiplex, in the NIT::

        {"type": "terrestrial_delivery_system",
         "params": {"frequency": Hz,
                    "bandwidth": "BANDWIDTH_8_MHZ" (7, 6, 5) or int,
                    "constellation": "QPSK", "QAM_16", "QAM_64" or int,
                    "hierarchy_information": "HIERARCHY_NONE", "HIERARCHY_1" (2, 4) or int,
                    "code_rate_HP": "FEC_1_2" (2_3, 3_4, 5_6, 7_8) or int,
                    "code_rate_LP": the same,
                    "guard_interval": "GUARD_INTERVAL_1_32" (1_16, 1_8, 1_4),
                    "transmission_mode": "TRANSMISSION_MODE_2K" (8K, 4K) or int,
                    "inversion": "INVERSION_AUTO"},
         "other_frequencies": bool (other frequencies carry it too)}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 7, data, i, "a terrestrial delivery system descriptor")
    params = {
        # in units of 10 Hz
        "frequency": 10 * int.from_bytes(body[0:4], "big"),
        "bandwidth": _dvbt_bandwidths.get(body[4] >> 5, body[4] >> 5),
        "constellation": _dvbt_constellations.get(body[5] >> 6, body[5] >> 6),
        "hierarchy_information": _dvbt_hierarchy.get((body[5] >> 3) & 0x07,
                                                     (body[5] >> 3) & 0x07),
        "code_rate_HP": _dvbt_code_rate.get(body[5] & 0x07, body[5] & 0x07),
        "code_rate_LP": _dvbt_code_rate.get(body[6] >> 5, body[6] >> 5),
        "guard_interval": _dvbt_guard_interval[(body[6] >> 3) & 0x03],
        "transmission_mode": _dvbt_transmission_mode.get((body[6] >> 1) & 0x03,
                                                         (body[6] >> 1) & 0x03),
        "inversion": "INVERSION_AUTO",
    }
    return {"type": "terrestrial_delivery_system", "params": params,
            "other_frequencies": bool(body[6] & 0x01)}


def _languageTexts(body: bytes, at: int, data: bytes, i: int,
                   names: Sequence[str]) -> list[dict[str, str]]:
    # The loop of the multilingual descriptors: a language code, then one
    # length-prefixed text per name in ``names``, until the body ends.
    entries = []
    while at < len(body):
        if at + 3 > len(body):
            raise _fail(data, i, f"a language code at body offset {at} runs past the end "
                                 f"of the body ({len(body)} bytes)")
        entry = {"language_code": _code(body[at:at + 3])}
        at += 3
        for name in names:
            raw, at = _string(body, at, data, i, f"the {name.replace('_', ' ')}")
            entry[name] = decodeText(raw)
        entries.append(entry)
    return entries


def parser_multilingual_network_name_Descriptor(data: bytes, i: int, length: int,
                                                end: int) -> Descriptor:
    """parser_multilingual_network_name_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The network's name in several languages::

        {"type": "multilingual_network_name",
         "contents": bytes (the body, as 1.14 gave it),
         "entries": [{"language_code": str, "network_name": str}, ...]}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    return {"type": "multilingual_network_name", "contents": body,
            "entries": _languageTexts(body, 0, data, i, ["network_name"])}


def parser_multilingual_bouquet_name_Descriptor(data: bytes, i: int, length: int,
                                                end: int) -> Descriptor:
    """parser_multilingual_bouquet_name_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    A bouquet's name in several languages::

        {"type": "multilingual_bouquet_name",
         "contents": bytes (the body, as 1.14 gave it),
         "entries": [{"language_code": str, "bouquet_name": str}, ...]}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    return {"type": "multilingual_bouquet_name", "contents": body,
            "entries": _languageTexts(body, 0, data, i, ["bouquet_name"])}


def parser_multilingual_service_name_Descriptor(data: bytes, i: int, length: int,
                                                end: int) -> Descriptor:
    """parser_multilingual_service_name_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    A service's name and provider in several languages (in the SDT)::

        {"type": "multilingual_service_name",
         "contents": bytes (the body, as 1.14 gave it),
         "entries": [{"language_code": str, "service_provider_name": str,
                      "service_name": str}, ...]}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    return {"type": "multilingual_service_name", "contents": body,
            "entries": _languageTexts(body, 0, data, i,
                                      ["service_provider_name", "service_name"])}


def parser_multilingual_component_Descriptor(data: bytes, i: int, length: int,
                                             end: int) -> Descriptor:
    """parser_multilingual_component_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    A description of a component in several languages (in the EIT)::

        {"type": "multilingual_component",
         "contents": bytes (the body, as 1.14 gave it),
         "component_tag": int,
         "entries": [{"language_code": str, "text": str}, ...]}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 1, data, i, "a multilingual component descriptor")
    return {"type": "multilingual_component", "contents": body, "component_tag": body[0],
            "entries": _languageTexts(body, 1, data, i, ["text"])}


def parser_private_data_specifier_Descriptor(data: bytes, i: int, length: int,
                                             end: int) -> Descriptor:
    """parser_private_data_specifier_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    Whose private descriptors follow::

        {"type": "private_data_specifier",
         "private_data_specifier": str (e.g. "BSkyB 1") or int}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 4, data, i, "a private data specifier descriptor")
    value = int.from_bytes(body[0:4], "big")
    return {"type": "private_data_specifier",
            "private_data_specifier": _private_data_specifiers.get(value, value)}


parser_service_move_Descriptor = _unparsed("parser_service_move_Descriptor", "service_move", _SI)
parser_short_smoothing_buffer_Descriptor = _unparsed(
    "parser_short_smoothing_buffer_Descriptor", "short_smoothing_buffer", _SI)


def parser_frequency_list_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_frequency_list_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    Other frequencies that carry the multiplex::

        {"type": "frequency_list", "frequencies": [Hz, ...]}

    (Frequencies of an unknown coding type are left out, as 1.14 did.)

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 1, data, i, "a frequency list descriptor")
    coding = body[0] & 0x03
    frequencies = []
    for entry in _entries(body[1:], 4, data, i, "frequency"):
        if coding == 1:     # satellite: 8 BCD digits of GHz, 5 after the point
            frequency = _bcdDigits(entry, data, i, "a frequency") * 10000
        elif coding == 2:   # cable: 8 BCD digits of MHz, 4 after the point
            frequency = _bcdDigits(entry, data, i, "a frequency") * 100
        elif coding == 3:   # terrestrial: units of 10 Hz
            frequency = 10 * int.from_bytes(entry, "big")
        else:
            continue
        if frequency:
            frequencies.append(frequency)
    return {"type": "frequency_list", "frequencies": frequencies}


parser_partial_transport_stream_Descriptor = _unparsed(
    "parser_partial_transport_stream_Descriptor", "partial_transport_stream", _SI)
parser_data_broadcast_Descriptor = _unparsed("parser_data_broadcast_Descriptor",
                                             "data_broadcast", _SI)
parser_CA_system_Descriptor = _unparsed("parser_CA_system_Descriptor", "CA_system", _SI)


def parser_data_broadcast_id_Descriptor(data: bytes, i: int, length: int,
                                        end: int) -> Descriptor:
    """parser_data_broadcast_id_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The kind of a data broadcast (e.g. 0x106, the UK's interactive
    applications) and what is particular to it::

        {"type": "data_broadcast_id", "id": int, "selectors": bytes}

    (Defined in ETSI EN 300 468 and the UK "D-Book".)
    """
    body = _body(data, i, end)
    _need(body, 2, data, i, "a data broadcast id descriptor")
    return {"type": "data_broadcast_id", "id": (body[0] << 8) | body[1], "selectors": body[2:]}


parser_transport_stream_Descriptor = _unparsed("parser_transport_stream_Descriptor",
                                               "transport_stream", _SI)
parser_DSNG_Descriptor = _unparsed("parser_DSNG_Descriptor", "DSNG", _SI)
parser_PDC_Descriptor = _unparsed("parser_PDC_Descriptor", "PDC", _SI)
parser_AC3_Descriptor = _unparsed("parser_AC3_Descriptor", "AC3", _SI)
parser_ancillary_data_Descriptor = _unparsed("parser_ancillary_data_Descriptor",
                                             "ancillary_data", _SI)
parser_cell_list_Descriptor = _unparsed("parser_cell_list_Descriptor", "cell_list", _SI)
parser_cell_frequency_link_Descriptor = _unparsed("parser_cell_frequency_link_Descriptor",
                                                  "cell_frequency_link", _SI)
parser_announcement_support_Descriptor = _unparsed(
    "parser_announcement_support_Descriptor", "announcement_support", _SI)


def parser_extension_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parser_extension_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    An extension descriptor (tag 0x7F), parsed by the parser for its
    extension tag (:data:`coreExtensionDescriptorParsers`, else
    :func:`parser_Null_Descriptor`); that dict gets ``"ext_tag": int``.

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 1, data, i, "an extension descriptor")
    parser = coreExtensionDescriptorParsers.get(body[0], parser_Null_Descriptor)
    out = parser(data, i, length, end)
    out["ext_tag"] = body[0]
    return out


def ext_parser_uri_linkage_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """ext_parser_uri_linkage_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    An extension descriptor (0x13) with a URI to fetch over IP::

        {"type": "uri_linkage", "uri_linkage_type": int, "uri": str,
         "private": bytes}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 2, data, i, "a URI linkage descriptor")
    uri, at = _string(body, 2, data, i, "the URI")
    return {"type": "uri_linkage", "uri": _code(uri), "uri_linkage_type": body[1],
            "private": body[at:]}


def ext_parser_bci_ancillary_data_Descriptor(data: bytes, i: int, length: int,
                                             end: int) -> Descriptor:
    """ext_parser_bci_ancillary_data_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    An extension descriptor (0x14) with BCI ancillary data (as ETSI TS 103
    286-2's content ids use)::

        {"type": "bci_ancillary_data", "data": bytes}

    (Defined in ETSI EN 300 468.)
    """
    body = _body(data, i, end)
    _need(body, 1, data, i, "a BCI ancillary data descriptor")
    return {"type": "bci_ancillary_data", "data": body[1:]}


# ------------------------------------------------------------ the UK "D-Book"

def parser_logical_channel_Descriptor(data: bytes, i: int, length: int,
                                      end: int) -> Descriptor:
    """parser_logical_channel_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The channel numbers viewers see, by service id (BBC ONE's service 4164
    is channel 1)::

        {"type": "logical_channel", "mappings": {service_id: channel_number, ...}}

    (Defined in the UK DTG's "D-Book".)
    """
    body = _body(data, i, end)
    mappings = {(entry[0] << 8) | entry[1]: ((entry[2] << 8) | entry[3]) & 0x03FF
                for entry in _entries(body, 4, data, i, "logical channel")}
    return {"type": "logical_channel", "mappings": mappings}


parser_preferred_name_list_Descriptor = _unparsed("parser_preferred_name_list_Descriptor",
                                                  "preferred_name_list", _DBOOK)
parser_preferred_name_identifier_Descriptor = _unparsed(
    "parser_preferred_name_identifier_Descriptor", "preferred_name_identifier", _DBOOK)
parser_service_attribute_Descriptor = _unparsed("parser_service_attribute_Descriptor",
                                                "service_attribute", _DBOOK)
parser_short_service_name_Descriptor = _unparsed("parser_short_service_name_Descriptor",
                                                 "short_service_name", _DBOOK)


# ------------------------------------------------------------ ETSI TS 102 323

parser_content_labelling_Descriptor = _unparsed("parser_content_labelling_Descriptor",
                                                "content_labelling", _TVA)
parser_metadata_pointer_Descriptor = _unparsed("parser_metadata_pointer_Descriptor",
                                               "metadata_pointer", _TVA)
parser_metadata_Descriptor = _unparsed("parser_metadata_Descriptor", "metadata", _TVA)
parser_rar_over_dvb_stream_Descriptor = _unparsed("parser_rar_over_dvb_stream_Descriptor",
                                                  "rar_over_dvb_stream", _TVA)
parser_rar_over_ip_Descriptor = _unparsed("parser_rar_over_ip_Descriptor", "rar_over_ip", _TVA)
parser_rnt_scan_Descriptor = _unparsed("parser_rnt_scan_Descriptor", "rnt_scan", _TVA)


def parse_default_authority_Descriptor(data: bytes, i: int, length: int,
                                       end: int) -> Descriptor:
    """parse_default_authority_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    The default TV-Anytime CRID authority (the domain part of CRIDs)::

        {"type": "default_authority", "authority": str}

    (Defined in ETSI TS 102 323.)
    """
    return {"type": "default_authority", "authority": _code(_body(data, i, end))}


def parse_related_content_Descriptor(data: bytes, i: int, length: int,
                                     end: int) -> Descriptor:
    """parse_related_content_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    Marks a stream carrying a related content table: ``{"type": "related_content"}``.

    (Defined in ETSI TS 102 323.)
    """
    _body(data, i, end)
    return {"type": "related_content"}


def parse_tva_id_Descriptor(data: bytes, i: int, length: int, end: int) -> Descriptor:
    """parse_tva_id_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    TV-Anytime ids and their running status::

        {"type": "tva_ids", "ids": [{"id": int, "running_status": int}, ...]}

    (Defined in ETSI TS 102 323.)
    """
    body = _body(data, i, end)
    ids = [{"id": (entry[0] << 8) | entry[1], "running_status": entry[2] & 0x07}
           for entry in _entries(body, 3, data, i, "TVA id")]
    return {"type": "tva_ids", "ids": ids}


def parse_content_identifier_Descriptor(data: bytes, i: int, length: int,
                                        end: int) -> Descriptor:
    """parse_content_identifier_Descriptor(data, i, length, end) -> dict(parsed descriptor elements)

    TV-Anytime Content Reference IDs (CRIDs) of an event::

        {"type": "content_identifier",
         "crids": [{"type": "instance" or "part of series" or "recommendation" or int,
                    "crid": str (an explicit CRID)
                    or "ref": int (to look up in a Content Identifier Table)}, ...]}

    (Defined in ETSI TS 102 323.)
    """
    body = _body(data, i, end)
    crids = []
    at = 0
    while at < len(body):
        flags = body[at]
        crid: dict[str, Any] = {"type": _content_identifier_content_type.get(flags >> 2,
                                                                             flags >> 2)}
        location = flags & 0x03
        if location == 0:
            raw, at = _string(body, at + 1, data, i, "a CRID")
            crid["crid"] = _code(raw)
        elif location == 1:
            if at + 3 > len(body):
                raise _fail(data, i, f"a CRID reference at body offset {at + 1} runs past "
                                     f"the end of the body ({len(body)} bytes)")
            crid["ref"] = (body[at + 1] << 8) | body[at + 2]
            at += 3
        else:
            raise _fail(data, i, f"crid_location {location} is reserved")
        crids.append(crid)
    return {"type": "content_identifier", "crids": crids}


# ------------------------------------------------------------ the tables of parsers

#: tag -> parser for the descriptors of ISO/IEC 13818-1, ETSI EN 300 468,
#: ETSI TS 102 323 and the UK "D-Book" (private tags 0x83-0x87).
coreDescriptorParsers: dict[int, DescriptorParser] = {
    # ISO/IEC 13818-1
    0x02: parser_video_stream_Descriptor,
    0x03: parser_audio_stream_Descriptor,
    0x04: parser_hierarchy_Descriptor,
    0x05: parser_registration_Descriptor,
    0x06: parser_data_stream_alignment_Descriptor,
    0x07: parser_target_background_grid_Descriptor,
    0x08: parser_video_window_Descriptor,
    0x09: parser_CA_Descriptor,
    0x0A: parser_ISO_639_Descriptor,
    0x0B: parser_system_clock_Descriptor,
    0x0C: parser_multiplex_buffer_utilisation_Descriptor,
    0x0D: parser_copyright_Descriptor,
    0x0E: parser_maximum_bitrate_Descriptor,
    0x0F: parser_private_data_indicator_Descriptor,
    0x10: parser_smoothing_buffer_Descriptor,
    0x11: parser_STD_Descriptor,
    0x12: parser_IBP_Descriptor,
    # ETSI TS 102 323
    0x24: parser_content_labelling_Descriptor,
    0x25: parser_metadata_pointer_Descriptor,
    0x26: parser_metadata_Descriptor,
    # ETSI EN 300 468
    0x40: parser_network_name_Descriptor,
    0x41: parser_service_list_Descriptor,
    0x42: parser_stuffing_Descriptor,
    0x43: parser_satellite_delivery_system_Descriptor,
    0x44: parser_cable_delivery_system_Descriptor,
    0x45: parser_VBI_data_Descriptor,
    0x46: parser_VBI_teletext_Descriptor,
    0x47: parser_bouquet_name_Descriptor,
    0x48: parser_service_Descriptor,
    0x49: parser_country_availability_Descriptor,
    0x4A: parser_linkage_Descriptor,
    0x4B: parser_NVOD_reference_Descriptor,
    0x4C: parser_time_shifted_service_Descriptor,
    0x4D: parser_short_event_Descriptor,
    0x4E: parser_extended_event_Descriptor,
    0x4F: parser_time_shifted_event_Descriptor,
    0x50: parser_component_Descriptor,
    0x51: parser_mosaic_Descriptor,
    0x52: parser_stream_identifier_Descriptor,
    0x53: parser_CA_identifier_Descriptor,
    0x54: parser_content_Descriptor,
    0x55: parser_parental_rating_Descriptor,
    0x56: parser_teletext_Descriptor,
    0x57: parser_telephone_Descriptor,
    0x58: parser_local_time_offset_Descriptor,
    0x59: parser_subtitling_Descriptor,
    0x5A: parser_terrestrial_delivery_system_Descriptor,
    0x5B: parser_multilingual_network_name_Descriptor,
    0x5C: parser_multilingual_bouquet_name_Descriptor,
    0x5D: parser_multilingual_service_name_Descriptor,
    0x5E: parser_multilingual_component_Descriptor,
    0x5F: parser_private_data_specifier_Descriptor,
    0x60: parser_service_move_Descriptor,
    0x61: parser_short_smoothing_buffer_Descriptor,
    0x62: parser_frequency_list_Descriptor,
    0x63: parser_partial_transport_stream_Descriptor,
    0x64: parser_data_broadcast_Descriptor,
    0x65: parser_CA_system_Descriptor,
    0x66: parser_data_broadcast_id_Descriptor,
    0x67: parser_transport_stream_Descriptor,
    0x68: parser_DSNG_Descriptor,
    0x69: parser_PDC_Descriptor,
    0x6A: parser_AC3_Descriptor,
    0x6B: parser_ancillary_data_Descriptor,
    0x6C: parser_cell_list_Descriptor,
    0x6D: parser_cell_frequency_link_Descriptor,
    0x6E: parser_announcement_support_Descriptor,
    0x7F: parser_extension_Descriptor,
    # ETSI TS 102 323
    0x73: parse_default_authority_Descriptor,
    0x74: parse_related_content_Descriptor,
    0x75: parse_tva_id_Descriptor,
    0x76: parse_content_identifier_Descriptor,
    # the UK "D-Book"
    0x83: parser_logical_channel_Descriptor,
    0x84: parser_preferred_name_list_Descriptor,
    0x85: parser_preferred_name_identifier_Descriptor,
    0x86: parser_service_attribute_Descriptor,
    0x87: parser_short_service_name_Descriptor,
}

#: extension tag -> parser, for the extension descriptor (tag 0x7F).
coreExtensionDescriptorParsers: dict[int, DescriptorParser] = {
    0x13: ext_parser_uri_linkage_Descriptor,
    0x14: ext_parser_bci_ancillary_data_Descriptor,
}

#: ETSI TS 102 323's meanings of tags that mean something else in EN 300 468.
ts102323OverrideDescriptorParsers: dict[int, DescriptorParser] = {
    0x40: parser_rar_over_dvb_stream_Descriptor,
    0x41: parser_rar_over_ip_Descriptor,
    0x42: parser_rnt_scan_Descriptor,
}

# 1.14's names for the tables
__core_descriptor_parsers = coreDescriptorParsers
__core_ext_descriptor_parsers = coreExtensionDescriptorParsers
__ts102323_override_descriptor_parsers = ts102323OverrideDescriptorParsers


# ------------------------------------------------------------ writing

def makeDescriptor(tag: int, body: bytes) -> bytes:
    """makeDescriptor(tag, body) -> bytes: the tag, the length and the body."""
    if not 0 <= tag <= 0xFF:
        raise ValueError(f"a descriptor tag is 0 to 0xFF, not {tag!r}")
    if len(body) > 255:
        raise ValueError(f"a descriptor body is at most 255 bytes, not {len(body)} "
                         f"(tag {tag:#04x})")
    return bytes([tag, len(body)]) + bytes(body)


def _text(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else encodeText(value)


def _lengthPrefixed(value: bytes, what: str) -> bytes:
    if len(value) > 255:
        raise ValueError(f"{what} is {len(value)} bytes encoded, at most 255")
    return bytes([len(value)]) + value


def _language(language: str) -> bytes:
    if len(language) != 3 or not all(" " <= char <= "~" for char in language):
        raise ValueError(f"a language code is 3 ASCII letters (ISO 639-2), not {language!r}")
    return language.encode("ascii")


def serviceDescriptor(service_type: int, provider: str | bytes, name: str | bytes) -> bytes:
    """serviceDescriptor(service_type, provider, name) -> bytes of a service descriptor (0x48)

    ``service_type`` is the number (0x01: digital television). Text is
    encoded with ``encodeText`` unless given as bytes.
    """
    if not 0 <= service_type <= 0xFF:
        raise ValueError(f"a service type is 0 to 0xFF, not {service_type!r}")
    body = (bytes([service_type]) + _lengthPrefixed(_text(provider), "the provider name")
            + _lengthPrefixed(_text(name), "the service name"))
    return makeDescriptor(0x48, body)


def shortEventDescriptor(language: str, name: str | bytes, text: str | bytes) -> bytes:
    """shortEventDescriptor(language, name, text) -> bytes of a short event descriptor (0x4D)

    ``language`` is an ISO 639-2 code ("eng"). Text is encoded with
    ``encodeText`` unless given as bytes.
    """
    body = (_language(language) + _lengthPrefixed(_text(name), "the event name")
            + _lengthPrefixed(_text(text), "the event text"))
    return makeDescriptor(0x4D, body)


def extendedEventDescriptor(language: str, text: str | bytes,
                            items: Iterable[tuple[str | bytes, str | bytes]] = (),
                            descriptorNumber: int = 0,
                            lastDescriptorNumber: int = 0) -> bytes:
    """extendedEventDescriptor(language, text[, items][, descriptorNumber][, lastDescriptorNumber]) -> bytes

    An extended event descriptor (0x4E): ``items`` is (description, item)
    pairs (e.g. ("Director", "...")); a text longer than one descriptor
    holds goes in several, numbered 0 to ``lastDescriptorNumber`` (at most
    15). Text is encoded with ``encodeText`` unless given as bytes.
    """
    if not 0 <= descriptorNumber <= lastDescriptorNumber <= 15:
        raise ValueError("descriptor numbers are 0 <= descriptorNumber <= "
                         f"lastDescriptorNumber <= 15, not {descriptorNumber!r} and "
                         f"{lastDescriptorNumber!r}")
    loop = b"".join(_lengthPrefixed(_text(description), "an item description")
                    + _lengthPrefixed(_text(item), "an item")
                    for description, item in items)
    body = (bytes([descriptorNumber << 4 | lastDescriptorNumber]) + _language(language)
            + _lengthPrefixed(loop, "the items") + _lengthPrefixed(_text(text), "the text"))
    return makeDescriptor(0x4E, body)


def contentDescriptor(*genres: int | tuple[int, int]) -> bytes:
    """contentDescriptor(*genres) -> bytes of a content descriptor (0x54)

    Each genre is the content byte, its two nibbles the level 1 and level 2
    genre (0x23: News/Current Affairs, Documentary), or a (content byte,
    user byte) pair.
    """
    body = bytearray()
    for genre in genres:
        content, user = genre if isinstance(genre, tuple) else (genre, 0)
        if not (0 <= content <= 0xFF and 0 <= user <= 0xFF):
            raise ValueError(f"a genre is a content byte and a user byte (0 to 0xFF), "
                             f"not {genre!r}")
        body += bytes([content, user])
    return makeDescriptor(0x54, bytes(body))
