"""Descriptors (ISO/IEC 13818-1, ETSI EN 300 468, TS 102 323, the D-Book): 1.14's names and
dicts, every parser on bytes built here, damaged descriptors, writers, and fuzz."""

from __future__ import annotations

import importlib
import inspect
import textwrap
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

import tsfixtures
from Kamaelia.Support.DVB import Descriptors
from Kamaelia.Support.DVB.Descriptors import (DescriptorError, contentDescriptor,
                                              coreDescriptorParsers,
                                              coreExtensionDescriptorParsers,
                                              extendedEventDescriptor, makeDescriptor,
                                              parseDescriptor, parseDescriptors,
                                              parseDescriptors_TS102323,
                                              parser_Null_Descriptor, serviceDescriptor,
                                              shortEventDescriptor,
                                              ts102323OverrideDescriptorParsers)


def desc(tag: int, body: bytes) -> bytes:
    """A descriptor, built here rather than with the module's own writer."""
    assert len(body) <= 255
    return bytes([tag, len(body)]) + body


def lp(field: bytes) -> bytes:
    """A field with its length byte before it."""
    return bytes([len(field)]) + field


def parsed(tag: int, body: bytes) -> dict[str, Any]:
    """The dict of the one descriptor ``tag``/``body``, checking the tag and the end."""
    (found, result), end = parseDescriptor(0, desc(tag, body))
    assert found == tag and end == len(body) + 2
    return result


# --------------------------------------------------- 1.14's names and tables

#: tag -> 1.14's parser for it, in 1.14's three tables.
CORE_114 = {
    0x02: "parser_video_stream_Descriptor", 0x03: "parser_audio_stream_Descriptor",
    0x04: "parser_hierarchy_Descriptor", 0x05: "parser_registration_Descriptor",
    0x06: "parser_data_stream_alignment_Descriptor",
    0x07: "parser_target_background_grid_Descriptor", 0x08: "parser_video_window_Descriptor",
    0x09: "parser_CA_Descriptor", 0x0A: "parser_ISO_639_Descriptor",
    0x0B: "parser_system_clock_Descriptor",
    0x0C: "parser_multiplex_buffer_utilisation_Descriptor",
    0x0D: "parser_copyright_Descriptor", 0x0E: "parser_maximum_bitrate_Descriptor",
    0x0F: "parser_private_data_indicator_Descriptor",
    0x10: "parser_smoothing_buffer_Descriptor", 0x11: "parser_STD_Descriptor",
    0x12: "parser_IBP_Descriptor", 0x24: "parser_content_labelling_Descriptor",
    0x25: "parser_metadata_pointer_Descriptor", 0x26: "parser_metadata_Descriptor",
    0x40: "parser_network_name_Descriptor", 0x41: "parser_service_list_Descriptor",
    0x42: "parser_stuffing_Descriptor", 0x43: "parser_satellite_delivery_system_Descriptor",
    0x44: "parser_cable_delivery_system_Descriptor", 0x45: "parser_VBI_data_Descriptor",
    0x46: "parser_VBI_teletext_Descriptor", 0x47: "parser_bouquet_name_Descriptor",
    0x48: "parser_service_Descriptor", 0x49: "parser_country_availability_Descriptor",
    0x4A: "parser_linkage_Descriptor", 0x4B: "parser_NVOD_reference_Descriptor",
    0x4C: "parser_time_shifted_service_Descriptor", 0x4D: "parser_short_event_Descriptor",
    0x4E: "parser_extended_event_Descriptor", 0x4F: "parser_time_shifted_event_Descriptor",
    0x50: "parser_component_Descriptor", 0x51: "parser_mosaic_Descriptor",
    0x52: "parser_stream_identifier_Descriptor", 0x53: "parser_CA_identifier_Descriptor",
    0x54: "parser_content_Descriptor", 0x55: "parser_parental_rating_Descriptor",
    0x56: "parser_teletext_Descriptor", 0x57: "parser_telephone_Descriptor",
    0x58: "parser_local_time_offset_Descriptor", 0x59: "parser_subtitling_Descriptor",
    0x5A: "parser_terrestrial_delivery_system_Descriptor",
    0x5B: "parser_multilingual_network_name_Descriptor",
    0x5C: "parser_multilingual_bouquet_name_Descriptor",
    0x5D: "parser_multilingual_service_name_Descriptor",
    0x5E: "parser_multilingual_component_Descriptor",
    0x5F: "parser_private_data_specifier_Descriptor", 0x60: "parser_service_move_Descriptor",
    0x61: "parser_short_smoothing_buffer_Descriptor", 0x62: "parser_frequency_list_Descriptor",
    0x63: "parser_partial_transport_stream_Descriptor",
    0x64: "parser_data_broadcast_Descriptor", 0x65: "parser_CA_system_Descriptor",
    0x66: "parser_data_broadcast_id_Descriptor", 0x67: "parser_transport_stream_Descriptor",
    0x68: "parser_DSNG_Descriptor", 0x69: "parser_PDC_Descriptor",
    0x6A: "parser_AC3_Descriptor", 0x6B: "parser_ancillary_data_Descriptor",
    0x6C: "parser_cell_list_Descriptor", 0x6D: "parser_cell_frequency_link_Descriptor",
    0x6E: "parser_announcement_support_Descriptor", 0x7F: "parser_extension_Descriptor",
    0x73: "parse_default_authority_Descriptor", 0x74: "parse_related_content_Descriptor",
    0x75: "parse_tva_id_Descriptor", 0x76: "parse_content_identifier_Descriptor",
    0x83: "parser_logical_channel_Descriptor", 0x84: "parser_preferred_name_list_Descriptor",
    0x85: "parser_preferred_name_identifier_Descriptor",
    0x86: "parser_service_attribute_Descriptor", 0x87: "parser_short_service_name_Descriptor",
}
EXTENSION_114 = {0x13: "ext_parser_uri_linkage_Descriptor",
                 0x14: "ext_parser_bci_ancillary_data_Descriptor"}
OVERRIDE_114 = {0x40: "parser_rar_over_dvb_stream_Descriptor",
                0x41: "parser_rar_over_ip_Descriptor", 0x42: "parser_rnt_scan_Descriptor"}
ALL_PARSERS_114 = sorted({*CORE_114.values(), *EXTENSION_114.values(),
                          *OVERRIDE_114.values(), "parser_Null_Descriptor"})


@pytest.mark.parametrize("name", ALL_PARSERS_114)
def test_every_1_14_parser_exists_with_its_signature(name: str) -> None:
    parser = getattr(Descriptors, name)
    assert parser.__name__ == name and name in Descriptors.__all__
    assert list(inspect.signature(parser).parameters) == ["data", "i", "length", "end"]
    assert (parser.__doc__ or "").startswith(f"{name}(data, i, length, end) -> dict")


def test_the_entry_points_have_1_14_signatures() -> None:
    assert list(inspect.signature(parseDescriptor).parameters) == ["i", "data", "parser_sets"]
    assert inspect.signature(parseDescriptor).parameters["parser_sets"].default is None
    assert list(inspect.signature(parseDescriptors_TS102323).parameters) == ["i", "data"]
    assert Descriptors.unBCD(0x45) == 45


def test_the_tables_map_tags_to_1_14s_parsers() -> None:
    assert {tag: parser.__name__ for tag, parser in coreDescriptorParsers.items()} == CORE_114
    assert {tag: parser.__name__
            for tag, parser in coreExtensionDescriptorParsers.items()} == EXTENSION_114
    assert {tag: parser.__name__
            for tag, parser in ts102323OverrideDescriptorParsers.items()} == OVERRIDE_114
    # 1.14's own (module-private) names for them are there too
    assert vars(Descriptors)["__core_descriptor_parsers"] is coreDescriptorParsers


# ------------------------------------------------------------ the examples

@dataclass(frozen=True)
class Example:
    """One descriptor as bytes and the dict it parses to."""
    parser: str
    tag: int
    body: bytes
    expected: dict[str, Any]
    ts102323: bool = False      # parsed with TS 102 323's meanings of 0x40-0x42


def unparsed(parser: str, tag: int, kind: str, body: bytes = b"\x01\x02\xfe",
             ts102323: bool = False) -> Example:
    return Example(parser, tag, body, {"type": kind, "contents": body}, ts102323)


UNPARSED = [
    unparsed("parser_video_stream_Descriptor", 0x02, "video_stream"),
    unparsed("parser_audio_stream_Descriptor", 0x03, "audio_stream"),
    unparsed("parser_hierarchy_Descriptor", 0x04, "hierarchy"),
    unparsed("parser_registration_Descriptor", 0x05, "registration", b"AC-3"),
    unparsed("parser_data_stream_alignment_Descriptor", 0x06, "data_stream_alignment"),
    unparsed("parser_target_background_grid_Descriptor", 0x07, "background_grid"),
    unparsed("parser_video_window_Descriptor", 0x08, "video_window"),
    unparsed("parser_system_clock_Descriptor", 0x0B, "system_clock"),
    unparsed("parser_multiplex_buffer_utilisation_Descriptor", 0x0C,
             "multiplex_buffer_utilisation"),
    unparsed("parser_copyright_Descriptor", 0x0D, "copyright"),
    unparsed("parser_maximum_bitrate_Descriptor", 0x0E, "maximum_bitrate"),
    unparsed("parser_private_data_indicator_Descriptor", 0x0F, "private_data_indicator"),
    unparsed("parser_smoothing_buffer_Descriptor", 0x10, "smoothing_buffer"),
    unparsed("parser_STD_Descriptor", 0x11, "STD"),
    unparsed("parser_IBP_Descriptor", 0x12, "IBP"),
    unparsed("parser_content_labelling_Descriptor", 0x24, "content_labelling"),
    unparsed("parser_metadata_pointer_Descriptor", 0x25, "metadata_pointer"),
    unparsed("parser_metadata_Descriptor", 0x26, "metadata"),
    unparsed("parser_satellite_delivery_system_Descriptor", 0x43, "satellite_delivery_system"),
    unparsed("parser_VBI_data_Descriptor", 0x45, "VBI_data"),
    unparsed("parser_VBI_teletext_Descriptor", 0x46, "VBI_teletext"),
    unparsed("parser_NVOD_reference_Descriptor", 0x4B, "NVOD_reference"),
    unparsed("parser_time_shifted_service_Descriptor", 0x4C, "time_shifted_service"),
    unparsed("parser_time_shifted_event_Descriptor", 0x4F, "time_shifted_event"),
    unparsed("parser_mosaic_Descriptor", 0x51, "mosaic"),
    unparsed("parser_telephone_Descriptor", 0x57, "telephone"),
    unparsed("parser_service_move_Descriptor", 0x60, "service_move"),
    unparsed("parser_short_smoothing_buffer_Descriptor", 0x61, "short_smoothing_buffer"),
    unparsed("parser_partial_transport_stream_Descriptor", 0x63, "partial_transport_stream"),
    unparsed("parser_data_broadcast_Descriptor", 0x64, "data_broadcast"),
    unparsed("parser_CA_system_Descriptor", 0x65, "CA_system"),
    unparsed("parser_transport_stream_Descriptor", 0x67, "transport_stream", b"DVB"),
    unparsed("parser_DSNG_Descriptor", 0x68, "DSNG"),
    unparsed("parser_PDC_Descriptor", 0x69, "PDC"),
    unparsed("parser_AC3_Descriptor", 0x6A, "AC3"),
    unparsed("parser_ancillary_data_Descriptor", 0x6B, "ancillary_data"),
    unparsed("parser_cell_list_Descriptor", 0x6C, "cell_list"),
    unparsed("parser_cell_frequency_link_Descriptor", 0x6D, "cell_frequency_link"),
    unparsed("parser_announcement_support_Descriptor", 0x6E, "announcement_support"),
    unparsed("parser_preferred_name_list_Descriptor", 0x84, "preferred_name_list"),
    unparsed("parser_preferred_name_identifier_Descriptor", 0x85, "preferred_name_identifier"),
    unparsed("parser_service_attribute_Descriptor", 0x86, "service_attribute"),
    unparsed("parser_short_service_name_Descriptor", 0x87, "short_service_name"),
    unparsed("parser_rar_over_dvb_stream_Descriptor", 0x40, "rar_over_dvb_stream",
             ts102323=True),
    unparsed("parser_rar_over_ip_Descriptor", 0x41, "rar_over_ip", ts102323=True),
    unparsed("parser_rnt_scan_Descriptor", 0x42, "rnt_scan", ts102323=True),
]

MHZ = 1_000_000
# DVB-T at 546 MHz: 8 MHz, 64-QAM, no hierarchy, FEC 2/3 (and LP 2/3),
# guard 1/32, 8k, other frequencies used, then 4 reserved bytes.
TERRESTRIAL = ((546 * MHZ // 10).to_bytes(4, "big")
               + bytes([0b000_1_1_1_11, 0b10_000_001, 0b001_00_01_1]) + b"\xff" * 4)
TERRESTRIAL_PARAMS = {
    "frequency": 546 * MHZ, "bandwidth": "BANDWIDTH_8_MHZ", "constellation": "QAM_64",
    "hierarchy_information": "HIERARCHY_NONE", "code_rate_HP": "FEC_2_3",
    "code_rate_LP": "FEC_2_3", "guard_interval": "GUARD_INTERVAL_1_32",
    "transmission_mode": "TRANSMISSION_MODE_8K", "inversion": "INVERSION_AUTO"}
# DVB-C at 312.0000 MHz, RS(204/188), 64-QAM, 6.9000 Msymbol/s, FEC 3/4
CABLE = bytes.fromhex("03120000" "fff2" "03" "0069000" "3")
# GBR region 0: UTC+1:00 until 1993-10-24 01:00:00 UTC, then +0:00;
# ESP region 5: UTC-1:30 (west), change undefined, then -2:00
LOCAL_TIME = (b"GBR" + bytes([0 << 2 | 0b10]) + bytes.fromhex("0100" "C08401" "0000" "0000")
              + b"ESP" + bytes([5 << 2 | 0b11]) + bytes.fromhex("0130" "FFFFFFFFFF" "0200"))
EN_300_468 = [
    Example("parser_CA_Descriptor", 0x09, b"\x0b\x00\xf2\x34\x01\x02",
            {"type": "CA", "CA_system_id": 0x0B00, "pid": 0x1234, "private_data": b"\x01\x02"}),
    Example("parser_ISO_639_Descriptor", 0x0A, b"eng\x00fra\x03deu\x07",
            {"type": "ISO_639", "entries": [
                {"language_code": "eng", "audio_type": ""},
                {"language_code": "fra", "audio_type": "VISUAL IMPAIRED COMMENTARY"},
                {"language_code": "deu", "audio_type": 7}]}),
    Example("parser_network_name_Descriptor", 0x40, b"Crystal Palace",
            {"type": "network_name", "network_name": "Crystal Palace"}),
    Example("parser_service_list_Descriptor", 0x41, b"\x10\x44\x01\x10\xbf\x02\x12\x34\x99",
            {"type": "service_list", "services": [
                {"service_id": 4164, "service_type": "digital television service"},
                {"service_id": 0x10BF, "service_type": "digital radio sound service"},
                {"service_id": 0x1234, "service_type": 0x99}]}),
    Example("parser_stuffing_Descriptor", 0x42, b"\xff" * 5, {"type": "stuffing", "length": 5}),
    Example("parser_cable_delivery_system_Descriptor", 0x44, CABLE,
            {"type": "cable_delivery_system", "params": {
                "frequency": 312 * MHZ, "fec_outer": "RS(204/188)", "modulation": "QAM_64",
                "symbol_rate": 6_900_000, "fec_inner": "FEC_3_4",
                "inversion": "INVERSION_AUTO"}}),
    Example("parser_bouquet_name_Descriptor", 0x47, b"Caf\xc2e TV",
            {"type": "bouquet_name", "bouquet_name": "Café TV", "contents": b"Caf\xc2e TV"}),
    Example("parser_service_Descriptor", 0x48, b"\x19\x03BBC\x0aBBC ONE HD",
            {"type": "service", "service_type": "advanced codec HD digital television service",
             "service_provider_name": "BBC", "service_name": "BBC ONE HD"}),
    Example("parser_country_availability_Descriptor", 0x49, b"\xffGBRIRL",
            {"type": "country_availability", "contents": b"\xffGBRIRL", "available": True,
             "countries": ["GBR", "IRL"]}),
    Example("parser_linkage_Descriptor", 0x4A, b"\x10\x01\x23\x3a\x44\x44\x04ab",
            {"type": "linkage", "contents": b"\x10\x01\x23\x3a\x44\x44\x04ab",
             "transport_stream_id": 0x1001, "original_network_id": 0x233A,
             "service_id": 0x4444, "linkage_type": 0x04, "private_data": b"ab"}),
    Example("parser_short_event_Descriptor", 0x4D, b"eng\x04News\x0fThe day's news.",
            {"type": "short_event", "language_code": "eng", "name": "News",
             "text": "The day's news."}),
    Example("parser_extended_event_Descriptor", 0x4E,
            b"\x01eng\x0e\x08Director\x04Anon\x05Long.",
            {"type": "extended_event", "descriptor_number": 0, "last_descriptor_number": 1,
             "language_code": "eng", "items": [{"description": "Director", "item": "Anon"}],
             "text": "Long.", "contents": b"\x01eng\x0e\x08Director\x04Anon\x05Long."}),
    Example("parser_component_Descriptor", 0x50, b"\xf2\x03\x05engStereo",
            {"type": "component", "stream_content": 2, "component_type": 3,
             "component_tag": 5, "content,type": ("audio", "stereo (2 channel)"),
             "language_code": "eng", "text": "Stereo"}),
    Example("parser_stream_identifier_Descriptor", 0x52, b"\x05",
            {"type": "stream_identifier", "component_tag": 5}),
    Example("parser_CA_identifier_Descriptor", 0x53, b"\x0b\x00\x09\x63",
            {"type": "CA_identifier", "contents": b"\x0b\x00\x09\x63",
             "CA_system_ids": [0x0B00, 0x0963]}),
    Example("parser_content_Descriptor", 0x54, b"\x23\x00",
            {"type": "content", "contents": b"\x23\x00",
             "content_level_1": "News/Current Affairs", "content_level_2": "Documentary",
             "user1": 0, "user2": 0,
             "entries": [{"content_level_1": "News/Current Affairs",
                          "content_level_2": "Documentary", "user1": 0, "user2": 0}]}),
    Example("parser_parental_rating_Descriptor", 0x55, b"GBR\x05FRA\x00DEU\x20",
            {"type": "parental_rating", "contents": b"GBR\x05FRA\x00DEU\x20", "entries": [
                {"country_code": "GBR", "rating": 5, "minimum_age": 8},
                {"country_code": "FRA", "rating": 0, "minimum_age": None},
                {"country_code": "DEU", "rating": 0x20, "minimum_age": None}]}),
    Example("parser_teletext_Descriptor", 0x56,
            b"eng\x10\x88" + b"eng\x09\x00" + b"fra\xfa\x9a",
            {"type": "teletext", "contents": b"eng\x10\x88eng\x09\x00fra\xfa\x9a", "entries": [
                {"language_code": "eng", "teletext_type": "Teletext subtitle page",
                 "magazine": 8, "page": "888"},
                {"language_code": "eng", "teletext_type": "initial Teletext page",
                 "magazine": 1, "page": "100"},
                {"language_code": "fra", "teletext_type": 0x1F, "magazine": 2,
                 "page": "29A"}]}),
    Example("parser_local_time_offset_Descriptor", 0x58, LOCAL_TIME, {
        "type": "local_time_offset", "country": "GBR", "region": 0, "offset": (1, 0),
        "timeOfChange": [1993, 10, 24, 1, 0, 0], "nextOffset": (0, 0), "entries": [
            {"country": "GBR", "region": 0, "offset": (1, 0),
             "timeOfChange": [1993, 10, 24, 1, 0, 0], "nextOffset": (0, 0)},
            {"country": "ESP", "region": 5, "offset": (-1, -30), "timeOfChange": None,
             "nextOffset": (-2, 0)}]}),
    Example("parser_subtitling_Descriptor", 0x59,
            b"eng\x10\x00\x01\x00\x02" + b"eng\x99\x00\x03\x00\x04",
            {"type": "subtitling", "entries": [
                {"language_code": "eng",
                 "subtitling_type": ("DVB subtitles (normal)",
                                     "with no monitor aspect ratio criticality"),
                 "composition_page_id": 1, "ancilliary_page_id": 2},
                {"language_code": "eng", "subtitling_type": (0x99, ""),
                 "composition_page_id": 3, "ancilliary_page_id": 4}]}),
    Example("parser_terrestrial_delivery_system_Descriptor", 0x5A, TERRESTRIAL,
            {"type": "terrestrial_delivery_system", "params": TERRESTRIAL_PARAMS,
             "other_frequencies": True}),
    Example("parser_multilingual_network_name_Descriptor", 0x5B, b"eng\x04Testcym\x05Prawf",
            {"type": "multilingual_network_name", "contents": b"eng\x04Testcym\x05Prawf",
             "entries": [{"language_code": "eng", "network_name": "Test"},
                         {"language_code": "cym", "network_name": "Prawf"}]}),
    Example("parser_multilingual_bouquet_name_Descriptor", 0x5C, b"deu\x06\x15Gr\xc3\xbcn",
            {"type": "multilingual_bouquet_name", "contents": b"deu\x06\x15Gr\xc3\xbcn",
             "entries": [{"language_code": "deu", "bouquet_name": "Grün"}]}),
    Example("parser_multilingual_service_name_Descriptor", 0x5D,
            b"eng\x03BBC\x07BBC ONEcym\x03BBC\x06BBC UN",
            {"type": "multilingual_service_name",
             "contents": b"eng\x03BBC\x07BBC ONEcym\x03BBC\x06BBC UN",
             "entries": [{"language_code": "eng", "service_provider_name": "BBC",
                          "service_name": "BBC ONE"},
                         {"language_code": "cym", "service_provider_name": "BBC",
                          "service_name": "BBC UN"}]}),
    Example("parser_multilingual_component_Descriptor", 0x5E, b"\x05eng\x06Stereo",
            {"type": "multilingual_component", "contents": b"\x05eng\x06Stereo",
             "component_tag": 5, "entries": [{"language_code": "eng", "text": "Stereo"}]}),
    Example("parser_private_data_specifier_Descriptor", 0x5F, b"\x00\x00\x00\x02",
            {"type": "private_data_specifier", "private_data_specifier": "BSkyB 1"}),
    Example("parser_frequency_list_Descriptor", 0x62,
            b"\xff" + (546 * MHZ // 10).to_bytes(4, "big") + (562 * MHZ // 10).to_bytes(4, "big"),
            {"type": "frequency_list", "frequencies": [546 * MHZ, 562 * MHZ]}),
    Example("parser_data_broadcast_id_Descriptor", 0x66, b"\x01\x06sel",
            {"type": "data_broadcast_id", "id": 0x106, "selectors": b"sel"}),
    Example("parser_extension_Descriptor", 0x7F, b"\x20\x01",
            {"type": "UNKNOWN", "contents": b"\x20\x01", "ext_tag": 0x20}),
    Example("ext_parser_uri_linkage_Descriptor", 0x7F, b"\x13\x01\x10http://a.example\x00\x3c",
            {"type": "uri_linkage", "uri": "http://a.example", "uri_linkage_type": 1,
             "private": b"\x00\x3c", "ext_tag": 0x13}),
    Example("ext_parser_bci_ancillary_data_Descriptor", 0x7F, b"\x14\xde\xad",
            {"type": "bci_ancillary_data", "data": b"\xde\xad", "ext_tag": 0x14}),
    Example("parse_default_authority_Descriptor", 0x73, b"bbc.co.uk",
            {"type": "default_authority", "authority": "bbc.co.uk"}),
    Example("parse_related_content_Descriptor", 0x74, b"", {"type": "related_content"}),
    Example("parse_tva_id_Descriptor", 0x75, b"\x00\x01\x04\x00\x02\xfb",
            {"type": "tva_ids", "ids": [{"id": 1, "running_status": 4},
                                        {"id": 2, "running_status": 3}]}),
    Example("parse_content_identifier_Descriptor", 0x76,
            bytes([0x01 << 2 | 0, 9]) + b"/episode1" + bytes([0x02 << 2 | 1, 0x12, 0x34])
            + bytes([0x3F << 2 | 1, 0x00, 0x07]),
            {"type": "content_identifier", "crids": [
                {"type": "instance", "crid": "/episode1"},
                {"type": "part of series", "ref": 0x1234},
                {"type": 0x3F, "ref": 7}]}),
    Example("parser_logical_channel_Descriptor", 0x83, b"\x10\x44\xfc\x01\x10\xbf\x7c\x02",
            {"type": "logical_channel", "mappings": {4164: 1, 0x10BF: 2}}),
]
EXAMPLES = UNPARSED + EN_300_468


def parseExample(example: Example) -> tuple[tuple[int, dict[str, Any]], int]:
    data = desc(example.tag, example.body)
    if example.ts102323:
        return parseDescriptors_TS102323(0, data)
    return parseDescriptor(0, data)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.parser)
def test_each_parser_on_an_example(example: Example) -> None:
    (tag, result), end = parseExample(example)
    assert tag == example.tag and end == len(example.body) + 2
    assert result == example.expected
    # and the parser called directly, as 1.14's table parsers call them, on
    # a descriptor at an offset in a larger buffer (an extension's own
    # parser leaves "ext_tag" to parser_extension_Descriptor)
    parser = getattr(Descriptors, example.parser)
    data = b"\x00\x00\x00" + desc(example.tag, example.body) + b"\xaa\xbb"
    direct = dict(example.expected)
    if example.parser.startswith("ext_"):
        del direct["ext_tag"]
    assert parser(data, 3, len(example.body), 5 + len(example.body)) == direct


def test_every_parser_has_an_example() -> None:
    covered = {example.parser for example in EXAMPLES} | {"parser_Null_Descriptor"}
    assert covered == set(ALL_PARSERS_114)


def test_unparsed_bodies_are_bytes_even_from_a_bytearray_or_memoryview() -> None:
    for data in (bytearray(desc(0x02, b"\x01\x02")), memoryview(desc(0x02, b"\x01\x02"))):
        assert parseDescriptors(data) == [(0x02, {"type": "video_stream",
                                                  "contents": b"\x01\x02"})]
        (_, result), _ = parseDescriptor(0, data)
        assert type(result["contents"]) is bytes


# ------------------------------------------------------------ loops, tables, unknown tags

def test_parseDescriptor_returns_the_pair_and_where_the_next_one_starts() -> None:
    loop = desc(0x52, b"\x05") + desc(0x40, b"Net") + desc(0x42, b"")
    (tag, first), i = parseDescriptor(0, loop)
    assert (tag, first, i) == (0x52, {"type": "stream_identifier", "component_tag": 5}, 3)
    (tag, second), i = parseDescriptor(i, loop)
    assert (tag, second, i) == (0x40, {"type": "network_name", "network_name": "Net"}, 8)
    (tag, third), i = parseDescriptor(i, loop)
    assert (tag, third, i) == (0x42, {"type": "stuffing", "length": 0}, 10)
    assert parseDescriptors(loop) == [(0x52, first), (0x40, second), (0x42, third)]
    assert parseDescriptors(b"") == []


UNKNOWN_TAGS = sorted(set(range(256)) - set(CORE_114))


@pytest.mark.parametrize("tag", UNKNOWN_TAGS)
def test_a_tag_no_table_has_is_UNKNOWN_with_its_body(tag: int) -> None:
    assert parsed(tag, b"\x00\xffx") == {"type": "UNKNOWN", "contents": b"\x00\xffx"}
    assert parsed(tag, b"") == {"type": "UNKNOWN", "contents": b""}


def test_parser_sets_are_tried_left_to_right() -> None:
    def mine(data: bytes, i: int, length: int, end: int) -> dict[str, Any]:
        return {"type": "mine", "length": length, "end": end}

    data = desc(0x48, b"\x01\x00\x00")
    assert parseDescriptor(0, data, [{0x48: mine}, coreDescriptorParsers])[0][1] == \
        {"type": "mine", "length": 3, "end": 5}
    assert parseDescriptor(0, data, [coreDescriptorParsers, {0x48: mine}])[0][1]["type"] == \
        "service"
    # as in 1.14, a table that gives the null parser does not stop the search
    assert parseDescriptor(0, data, [{0x48: parser_Null_Descriptor}, {0x48: mine}])[0][1] \
        ["type"] == "mine"
    assert parseDescriptor(0, data, [{}])[0][1] == {"type": "UNKNOWN",
                                                    "contents": b"\x01\x00\x00"}
    assert parseDescriptors(data + desc(0x48, b""), [{0x48: mine}]) == [
        (0x48, {"type": "mine", "length": 3, "end": 5}),
        (0x48, {"type": "mine", "length": 0, "end": 7})]


def test_ts102323_gives_its_own_meaning_to_0x40_to_0x42_only() -> None:
    assert parseDescriptors_TS102323(0, desc(0x40, b"xy"))[0][1] == \
        {"type": "rar_over_dvb_stream", "contents": b"xy"}
    assert parseDescriptor(0, desc(0x40, b"xy"))[0][1] == \
        {"type": "network_name", "network_name": "xy"}
    assert parseDescriptors_TS102323(0, desc(0x52, b"\x07")) == \
        ((0x52, {"type": "stream_identifier", "component_tag": 7}), 3)


# ------------------------------------------------------------ damage

def test_a_length_past_the_end_of_the_data_is_a_DescriptorError() -> None:
    loop = desc(0x52, b"\x05") + b"\x48\x10\x01"
    with pytest.raises(DescriptorError, match=r"descriptor 0x48 at offset 3: its length \(16\) "
                                              r"runs past the end of the data \(1 byte left\)"
                       ) as caught:
        parseDescriptors(loop)
    assert (caught.value.tag, caught.value.offset) == (0x48, 3)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("data, i, message", [
    (b"\x48", 0, r"descriptor at offset 0: the data \(1 bytes\) ends before its tag and length"),
    (b"", 0, r"the data \(0 bytes\) ends before"),
    (b"\x52\x01\x05", 3, r"descriptor at offset 3"),
    (b"\x52\x01\x05", -1, r"descriptor at offset -1"),
])
def test_a_descriptor_that_is_not_there_is_a_DescriptorError(data: bytes, i: int,
                                                             message: str) -> None:
    with pytest.raises(DescriptorError, match=message):
        parseDescriptor(i, data)


def test_a_loop_that_ends_part_way_through_a_descriptor_is_a_DescriptorError() -> None:
    with pytest.raises(DescriptorError, match="offset 3: the data .* ends before its tag"):
        parseDescriptors(desc(0x52, b"\x05") + b"\x52")


SHORT = [
    (0x09, b"\x0b\x00\xf2", r"a CA descriptor needs 4 bytes of body, it has 3"),
    (0x0A, b"eng", r"3 bytes of body is not a whole number of language entries \(4 bytes"),
    (0x41, b"\x10\x44", r"not a whole number of service entries"),
    (0x44, CABLE[:10], r"a cable delivery system descriptor needs 11 bytes"),
    (0x44, b"\x03\x1a" + CABLE[2:], r"the frequency: 0x1a is not two BCD digits"),
    (0x44, CABLE[:7] + b"\x00\xa0" + CABLE[9:], r"the symbol rate: 0xa0 is not two BCD"),
    (0x44, CABLE[:10] + b"\xa3", r"the symbol rate's last digit 0xa is not BCD"),
    (0x48, b"", r"a service descriptor needs 1 bytes of body, it has 0"),
    (0x48, b"\x01\x05BB", r"the service provider name \(5 bytes from body offset 2\) runs "
                          r"past the end of the body \(4 bytes\)"),
    (0x48, b"\x01\x00", r"the body ends \(2 bytes\) before the length of the service name"),
    (0x49, b"", r"a country availability descriptor needs 1 bytes"),
    (0x49, b"\xffGB", r"not a whole number of country entries"),
    (0x4A, b"\x00" * 6, r"a linkage descriptor needs 7 bytes"),
    (0x4D, b"en", r"a short event descriptor needs 3 bytes"),
    (0x4D, b"eng", r"before the length of the event name"),
    (0x4D, b"eng\x05New", r"the event name \(5 bytes from body offset 4\) runs past"),
    (0x4D, b"eng\x04News", r"before the length of the event text"),
    (0x4D, b"eng\x04News\x09Short", r"the event text \(9 bytes"),
    (0x4E, b"\x00eng", r"an extended event descriptor needs 5 bytes"),
    (0x4E, b"\x00eng\x20\x00", r"its items \(32 bytes\) run past the end of the body"),
    (0x4E, b"\x00eng\x09\x08Director\x00", r"before the length of an item\b"),
    (0x4E, b"\x00eng\x03\x05abc\x00", r"an item description \(5 bytes"),
    (0x4E, b"\x00eng\x00", r"before the length of the extended event text"),
    (0x4E, b"\x00eng\x00\x03ab", r"the extended event text \(3 bytes"),
    (0x50, b"\x02\x03\x05en", r"a component descriptor needs 6 bytes"),
    (0x52, b"", r"a stream identifier descriptor needs 1 bytes"),
    (0x53, b"\x0b", r"not a whole number of CA system id entries"),
    (0x54, b"\x23", r"1 bytes of body is not a whole number of genre entries \(2 bytes"),
    (0x55, b"GBR", r"not a whole number of rating entries"),
    (0x56, b"eng\x10", r"not a whole number of Teletext page entries"),
    (0x58, LOCAL_TIME[:12], r"not a whole number of region entries"),
    (0x58, LOCAL_TIME[:4] + b"\x1a" + LOCAL_TIME[5:], r"local time offset: 0x1a is not two BCD"),
    (0x58, LOCAL_TIME[:8] + b"\x25" + LOCAL_TIME[9:], r"local time offset: .*is not a time: "
                                                      r"25:00:00"),
    (0x59, b"eng\x10\x00\x01\x00", r"not a whole number of subtitling entries"),
    (0x5A, TERRESTRIAL[:6], r"a terrestrial delivery system descriptor needs 7 bytes"),
    (0x5B, b"en", r"a language code at body offset 0 runs past the end of the body"),
    (0x5B, b"eng\x05Tes", r"the network name \(5 bytes"),
    (0x5B, b"eng\x04Testcy", r"a language code at body offset 8"),
    (0x5D, b"eng\x03BBC", r"before the length of the service name"),
    (0x5E, b"", r"a multilingual component descriptor needs 1 bytes"),
    (0x5E, b"\x05eng", r"before the length of the text"),
    (0x5F, b"\x00\x00\x02", r"a private data specifier descriptor needs 4 bytes"),
    (0x62, b"", r"a frequency list descriptor needs 1 bytes"),
    (0x62, b"\x03\x00\x00", r"not a whole number of frequency entries"),
    (0x62, b"\x01\x1a\x00\x00\x00", r"a frequency: 0x1a is not two BCD digits"),
    (0x66, b"\x01", r"a data broadcast id descriptor needs 2 bytes"),
    (0x7F, b"", r"an extension descriptor needs 1 bytes"),
    (0x7F, b"\x13", r"a URI linkage descriptor needs 2 bytes"),
    (0x7F, b"\x13\x01", r"before the length of the URI"),
    (0x7F, b"\x13\x01\x05abc", r"the URI \(5 bytes"),
    (0x75, b"\x00\x01", r"not a whole number of TVA id entries"),
    (0x76, b"\x06", r"crid_location 2 is reserved"),
    (0x76, b"\x04\x05ab", r"a CRID \(5 bytes"),
    (0x76, b"\x05\x12", r"a CRID reference at body offset 1 runs past the end of the body"),
    (0x83, b"\x10\x44\xfc", r"not a whole number of logical channel entries"),
]


@pytest.mark.parametrize("tag, body, message", SHORT, ids=[f"{tag:#04x}-{body.hex()}"
                                                            for tag, body, _ in SHORT])
def test_a_body_too_short_for_its_kind_is_a_DescriptorError(tag: int, body: bytes,
                                                            message: str) -> None:
    with pytest.raises(DescriptorError, match=message) as caught:
        parseDescriptors(desc(0x52, b"\x01") + desc(tag, body))
    assert (caught.value.tag, caught.value.offset) == (tag, 3)
    assert str(caught.value).startswith(f"descriptor {tag:#04x} at offset 3: ")


@pytest.mark.parametrize("name", ALL_PARSERS_114)
def test_a_parser_called_with_an_end_past_the_data_is_a_DescriptorError(name: str) -> None:
    parser = getattr(Descriptors, name)
    data = desc(0x7F if name.startswith("ext_") else 0x01, b"\x13\x00\x00")
    with pytest.raises(DescriptorError, match=r"at offset 0: its body \(offsets 2 to 9\) is "
                                              r"not inside the data \(5 bytes\)"):
        parser(data, 0, 7, 9)


# ------------------------------------------------------------ short event

@pytest.mark.parametrize("name, text, expected_name, expected_text", [
    (b"News", b"", "News", ""),
    (b"", b"", "", ""),
    (b"T\xc2el\xc2ejournal", b"\xc1A la une", "Téléjournal", "À la une"),      # ISO 6937
    (b"\x15Gr\xc3\xbc\xc3\x9fe", b"\x15\xe6\x97\xa5\xe6\x9c\xac", "Grüße", "日本"),   # UTF-8
    (b"\x03\xc5\xe9\xe4\xde\xf3\xe5\xe9\xf2", b"\x01\xbd\xde\xd2\xde\xe1\xe2\xd8",
     "Ειδήσεις", "Новости"),                                             # 8859-7, 8859-5
    (b"\x86Big\x87 match", b"Line one\x8aLine two", "Big match", "Line one\nLine two"),
])
def test_short_event_text_is_decoded(name: bytes, text: bytes, expected_name: str,
                                     expected_text: str) -> None:
    body = b"cym" + bytes([len(name)]) + name + bytes([len(text)]) + text
    assert parsed(0x4D, body) == {"type": "short_event", "language_code": "cym",
                                  "name": expected_name, "text": expected_text}


def test_short_event_ignores_bytes_after_its_fields() -> None:
    # room a later version of EN 300 468 may use
    assert parsed(0x4D, b"eng\x01A\x01B\xff\xff")["text"] == "B"


#: Text a descriptor can carry: no controls (C0, C1, and the private-use
#: U+E080-U+E09F that are C1 in the two-byte and UTF-8 tables).
CHARACTERS = st.characters(blacklist_categories=["Cs", "Cc"]).filter(
    lambda char: not "\ue080" <= char <= "\ue09f")
PRINTABLE = st.text(CHARACTERS, max_size=40)


@settings(max_examples=150, deadline=None)
@given(name=PRINTABLE, text=PRINTABLE,
       language=st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=3, max_size=3))
def test_short_event_round_trips_from_the_stream_fixtures_writer(name: str, text: str,
                                                                 language: str) -> None:
    try:
        raw = tsfixtures.shortEventDescriptor(name, text, language)
    except ValueError:
        return          # does not fit one descriptor
    assert parseDescriptors(raw) == [(0x4D, {"type": "short_event", "language_code": language,
                                             "name": name, "text": text})]


@settings(max_examples=150, deadline=None)
@given(name=PRINTABLE, text=PRINTABLE | st.just("two\nlines"))
def test_short_event_round_trips_from_the_module_writer(name: str, text: str) -> None:
    raw = shortEventDescriptor("eng", name, text)
    assert raw[0] == 0x4D and raw[1] == len(raw) - 2
    assert parseDescriptors(raw) == [(0x4D, {"type": "short_event", "language_code": "eng",
                                             "name": name, "text": text})]


def test_the_module_writer_writes_bytes_as_they_are() -> None:
    raw = shortEventDescriptor("eng", b"\x05Caf\xe9", b"")
    assert raw == desc(0x4D, b"eng" + lp(b"\x05Caf\xe9") + lp(b""))
    assert parseDescriptors(raw)[0][1]["name"] == "Café"        # 0x05: ISO 8859-9


# ------------------------------------------------------------ extended event

def test_extended_event_items_and_text() -> None:
    items = lp(b"Director") + lp(b"J. Bloggs") + lp(b"Cast") + lp(b"A. Actor, B. Co") + b"\0\0"
    body = bytes([0x23]) + b"deu" + lp(items) + lp(b"\x15Gr\xc3\xbcn")
    assert parsed(0x4E, body) == {
        "type": "extended_event", "descriptor_number": 2, "last_descriptor_number": 3,
        "language_code": "deu",
        "items": [{"description": "Director", "item": "J. Bloggs"},
                  {"description": "Cast", "item": "A. Actor, B. Co"},
                  {"description": "", "item": ""}],
        "text": "Grün", "contents": body}


def test_extended_event_with_no_items_and_no_text() -> None:
    assert parsed(0x4E, b"\x00eng\x00\x00") == {
        "type": "extended_event", "descriptor_number": 0, "last_descriptor_number": 0,
        "language_code": "eng", "items": [], "text": "", "contents": b"\x00eng\x00\x00"}


def test_an_item_may_not_run_out_of_the_items_into_the_text() -> None:
    # the items loop is 3 bytes, but its item claims 4: the text's bytes
    # must not be read as part of the item
    with pytest.raises(DescriptorError, match=r"an item description \(4 bytes from body "
                                              r"offset 6\) runs past the end of the body "
                                              r"\(8 bytes\)"):
        parsed(0x4E, b"\x00eng\x03\x04ab\x02cd")


def extendedParts(raws: list[bytes]) -> list[dict[str, Any]]:
    found = parseDescriptors(b"".join(raws))
    assert [tag for tag, _ in found] == [0x4E] * len(raws)
    return [part for _, part in found]


@pytest.mark.parametrize("text", ["A short description.", "",
                                  "Une très longue description. " * 30,
                                  "日本のテレビ番組。" * 40])
def test_extended_event_round_trips_from_the_stream_fixtures_writer(text: str) -> None:
    items = [("Director", "Jeanne Réalisatrice"), ("Year", "1993")]
    raws = tsfixtures.extendedEventDescriptors(text, items, "fra")
    parts = extendedParts(raws)
    assert [part["descriptor_number"] for part in parts] == list(range(len(raws)))
    assert {part["last_descriptor_number"] for part in parts} == {len(raws) - 1}
    assert {part["language_code"] for part in parts} == {"fra"}
    assert parts[0]["items"] == [{"description": "Director", "item": "Jeanne Réalisatrice"},
                                 {"description": "Year", "item": "1993"}]
    assert all(part["items"] == [] for part in parts[1:])
    assert "".join(part["text"] for part in parts) == text
    assert (len(raws) > 1) == (len(text.encode("utf-8")) > 200)


@settings(max_examples=100, deadline=None)
@given(text=st.text(CHARACTERS, max_size=600),
       items=st.lists(st.tuples(PRINTABLE, PRINTABLE), max_size=2))
def test_extended_event_fixture_round_trip_any_text(text: str,
                                                    items: list[tuple[str, str]]) -> None:
    try:
        raws = tsfixtures.extendedEventDescriptors(text, items)
    except ValueError:
        return          # too much for one event's descriptors
    parts = extendedParts(raws)
    assert "".join(part["text"] for part in parts) == text
    assert parts[0]["items"] == [{"description": d, "item": v} for d, v in items]


def test_extended_event_round_trips_from_the_module_writer() -> None:
    raw = extendedEventDescriptor("eng", "Second part\nof two", [("Cast", "Ann"), ("", "x")],
                                  descriptorNumber=1, lastDescriptorNumber=1)
    (_, part), = parseDescriptors(raw)
    assert part["descriptor_number"] == part["last_descriptor_number"] == 1
    assert part["items"] == [{"description": "Cast", "item": "Ann"},
                             {"description": "", "item": "x"}]
    assert part["text"] == "Second part\nof two"


# ------------------------------------------------------------ service

@pytest.mark.parametrize("service_type, name", [
    (0x01, "digital television service"), (0x02, "digital radio sound service"),
    (0x0C, "data broadcast service"), (0x11, "MPEG-2 HD digital television service"),
    (0x16, "advanced codec SD digital television service"),
    (0x1F, "HEVC digital television service"), (0x00, 0x00), (0x0D, 0x0D), (0x80, 0x80)])
def test_service_types_are_named_or_numbers(service_type: int, name: str | int) -> None:
    assert parsed(0x48, bytes([service_type, 0, 0]))["service_type"] == name


def test_service_names_are_decoded_in_their_tables() -> None:
    provider = b"\x10\x00\x02Telewizja Polska"
    name = b"\x10\x00\x02TVP Polonia \xa3\xf3d\xbc"
    body = b"\x01" + bytes([len(provider)]) + provider + bytes([len(name)]) + name
    assert parsed(0x48, body) == {"type": "service", "service_type": "digital television service",
                                  "service_provider_name": "Telewizja Polska",
                                  "service_name": "TVP Polonia Łódź"}


@settings(max_examples=150, deadline=None)
@given(service_type=st.integers(0, 255), provider=PRINTABLE, name=PRINTABLE)
def test_service_round_trips_from_the_module_writer(service_type: int, provider: str,
                                                    name: str) -> None:
    (_, service), = parseDescriptors(serviceDescriptor(service_type, provider, name))
    assert service["service_provider_name"] == provider and service["service_name"] == name
    assert service["service_type"] == parsed(0x48, bytes([service_type, 0, 0]))["service_type"]
    assert set(service) == {"type", "service_type", "service_provider_name", "service_name"}


# ------------------------------------------------------------ component

@pytest.mark.parametrize("content, ctype, meaning", [
    (0x01, 0x01, ("video", "4:3 aspect ratio, 25 Hz")),
    (0x01, 0x03, ("video", "16:9 aspect ratio without pan vectors, 25 Hz")),
    (0x01, 0x05, ("video", "4:3 aspect ratio, 30 Hz")),      # 1.14 lost this one
    (0x01, 0x08, ("video", "> 16:9 aspect ratio, 30 Hz")),   # ... and put it at 0x05
    (0x01, 0x0B, ("high definition video", "16:9 aspect ratio without pan vectors, 25 Hz")),
    (0x02, 0x03, ("audio", "stereo (2 channel)")),
    (0x02, 0x40, ("audio description for the visually impaired", "")),
    (0x03, 0x01, ("EBU Teletext subtitles", "")),
    (0x03, 0x10, ("DVB subtitles (normal)", "with no monitor aspect ratio criticality")),
    (0x03, 0x23, ("DVB subtitles (for the hard of hearing)",
                  "for display on 2.21:1 aspect ratio monitor")),
    (0x05, 0x0B, (0x05, 0x0B)),             # (H.264 video: not in 1.14's table)
    (0x01, 0x00, (0x01, 0x00)),
])
def test_component_stream_content_and_type(content: int, ctype: int,
                                           meaning: tuple[Any, Any]) -> None:
    # the high nibble (stream_content_ext, or reserved) is not part of stream_content
    result = parsed(0x50, bytes([0xF0 | content, ctype, 0x21]) + b"fre\x15Fran\xc3\xa7ais")
    assert result == {"type": "component", "stream_content": content, "component_type": ctype,
                      "component_tag": 0x21, "content,type": meaning, "language_code": "fre",
                      "text": "Français"}


def test_component_with_no_text() -> None:
    assert parsed(0x50, b"\x01\x01\x00und")["text"] == ""


# ------------------------------------------------------------ content

def test_content_gives_every_genre_and_the_first_at_the_top() -> None:
    result = parsed(0x54, b"\x23\x00\x10\x12\xf4\xff\xc5\x00\x1f\x00")
    genres = [("News/Current Affairs", "Documentary", 0, 0), ("Movie/Drama", "General", 1, 2),
              ("Drama", "Comedy", 15, 15), (0xC, 5, 0, 0), ("Movie/Drama", 0xF, 0, 0)]
    assert result["entries"] == [{"content_level_1": l1, "content_level_2": l2, "user1": u1,
                                  "user2": u2} for l1, l2, u1, u2 in genres]
    assert {key: result[key] for key in ("content_level_1", "content_level_2", "user1",
                                         "user2")} == result["entries"][0]
    assert result["contents"] == b"\x23\x00\x10\x12\xf4\xff\xc5\x00\x1f\x00"


def test_content_with_no_genre_has_no_top_level_genre() -> None:
    assert parsed(0x54, b"") == {"type": "content", "contents": b"", "entries": []}


@pytest.mark.parametrize("genres", [(0x23,), (0x10, (0x91, 0xAB)), ()])
def test_content_round_trips_from_the_module_writer(genres: tuple[Any, ...]) -> None:
    (_, result), = parseDescriptors(contentDescriptor(*genres))
    pairs = [genre if isinstance(genre, tuple) else (genre, 0) for genre in genres]
    assert result["contents"] == bytes(byte for pair in pairs for byte in pair)
    assert [(entry["user1"], entry["user2"]) for entry in result["entries"]] == \
        [(user >> 4, user & 0xF) for _, user in pairs]


# ------------------------------------------------------------ the other parsers' details

def test_frequency_lists_in_each_coding() -> None:
    satellite = b"\xfd" + bytes.fromhex("01175725")         # 011.75725 GHz
    cable = b"\xfe" + bytes.fromhex("03120000" "08580000")  # 312.0000, 858.0000 MHz
    assert parsed(0x62, satellite)["frequencies"] == [11_757_250_000]
    assert parsed(0x62, cable)["frequencies"] == [312 * MHZ, 858 * MHZ]
    # coding type 0 is not defined: its frequencies are left out, as in 1.14
    assert parsed(0x62, b"\xfc" + bytes.fromhex("03120000"))["frequencies"] == []


def test_terrestrial_parameters_other_values() -> None:
    # 7 MHz, QPSK, hierarchy alpha=4, FEC 7/8 and 1/2, guard 1/4, 2k, one frequency
    body = bytearray(TERRESTRIAL)
    body[4:7] = bytes([0b001_11111, 0b00_011_100, 0b000_11_00_0])
    result = parsed(0x5A, bytes(body))
    assert result["other_frequencies"] is False
    assert {key: result["params"][key] for key in ("bandwidth", "constellation",
            "hierarchy_information", "code_rate_HP", "code_rate_LP", "guard_interval",
            "transmission_mode")} == {
        "bandwidth": "BANDWIDTH_7_MHZ", "constellation": "QPSK",
        "hierarchy_information": "HIERARCHY_4", "code_rate_HP": "FEC_7_8",
        "code_rate_LP": "FEC_1_2", "guard_interval": "GUARD_INTERVAL_1_4",
        "transmission_mode": "TRANSMISSION_MODE_2K"}
    # reserved values come back as numbers
    body[4:7] = bytes([0b111_11111, 0b11_111_111, 0b111_11_11_0])
    params = parsed(0x5A, bytes(body))["params"]
    assert (params["bandwidth"], params["constellation"], params["hierarchy_information"],
            params["code_rate_HP"], params["code_rate_LP"], params["transmission_mode"]) == \
        (7, 3, 7, 7, 7, 3)


def test_private_data_specifiers_unknown_are_numbers() -> None:
    assert parsed(0x5F, b"\x12\x34\x56\x78")["private_data_specifier"] == 0x12345678
    assert parsed(0x5F, b"\x00\x00\x00\x02")["private_data_specifier"] == "BSkyB 1"


def test_country_availability_flag_off() -> None:
    assert parsed(0x49, b"\x7fFRA")["available"] is False


def test_cable_reserved_values_are_numbers() -> None:
    params = parsed(0x44, CABLE[:5] + b"\xf0\x09" + CABLE[7:10] + b"\x0d")["params"]
    assert (params["fec_outer"], params["modulation"], params["fec_inner"]) == (0, 9, 13)
    assert parsed(0x44, CABLE[:10] + b"\x07")["params"]["fec_inner"] == "FEC_3_5"


# ------------------------------------------------------------ writers

@pytest.mark.parametrize("call, message", [
    (lambda: makeDescriptor(0x100, b""), r"a descriptor tag is 0 to 0xFF, not 256"),
    (lambda: makeDescriptor(0x4D, b"x" * 256), r"at most 255 bytes, not 256 \(tag 0x4d\)"),
    (lambda: serviceDescriptor(-1, "a", "b"), r"a service type is 0 to 0xFF, not -1"),
    (lambda: serviceDescriptor(1, "a" * 300, "b"), r"the provider name is 300 bytes encoded"),
    (lambda: shortEventDescriptor("en", "a", "b"), r"3 ASCII letters \(ISO 639-2\), not 'en'"),
    (lambda: shortEventDescriptor("eng", "a" * 200, "b" * 100), r"at most 255 bytes"),
    (lambda: extendedEventDescriptor("eng", "t", (), 2, 1), r"not 2 and 1"),
    (lambda: extendedEventDescriptor("eng", "t", (), 0, 16), r"not 0 and 16"),
    (lambda: contentDescriptor(0x123), r"a genre is a content byte and a user byte"),
    (lambda: contentDescriptor((0x12, -1)), r"not \(18, -1\)"),
])
def test_writers_refuse_what_a_descriptor_cannot_hold(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_makeDescriptor_writes_tag_length_body() -> None:
    assert makeDescriptor(0x52, b"\x05") == b"\x52\x01\x05"
    assert makeDescriptor(0x42, b"") == b"\x42\x00"


# ------------------------------------------------------------ fuzz

def checkParsed(found: list[tuple[int, dict[str, Any]]], size: int) -> None:
    for tag, result in found:
        assert 0 <= tag <= 0xFF and isinstance(result["type"], str)
    assert (size == 0) == (found == [])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_parse_or_raise_DescriptorError(data: bytes) -> None:
    for sets in (None, [ts102323OverrideDescriptorParsers, coreDescriptorParsers]):
        try:
            found = parseDescriptors(data, sets)
        except DescriptorError:
            continue
        checkParsed(found, len(data))


@settings(max_examples=300, deadline=None)
@given(tag=st.sampled_from(sorted(CORE_114)) | st.integers(0, 255),
       body=st.binary(max_size=255))
def test_any_body_under_any_tag_parses_or_raises_DescriptorError(tag: int, body: bytes) -> None:
    try:
        found = parseDescriptors(desc(tag, body))
    except DescriptorError as error:
        assert error.tag == tag and error.offset == 0
        return
    checkParsed(found, 1)


@settings(max_examples=300, deadline=None)
@given(ext_tag=st.sampled_from([0x13, 0x14]) | st.integers(0, 255),
       body=st.binary(max_size=254))
def test_any_extension_body_parses_or_raises_DescriptorError(ext_tag: int, body: bytes) -> None:
    try:
        (_, result), = parseDescriptors(desc(0x7F, bytes([ext_tag]) + body))
    except DescriptorError:
        return
    assert result["ext_tag"] == ext_tag


VALID_LOOP = b"".join(desc(example.tag, example.body) for example in EN_300_468)


@st.composite
def mutatedLoops(draw: st.DrawFn) -> bytes:
    """The loop of every example, damaged a few times: a byte changed, a
    run deleted or inserted, the end cut off."""
    data = bytearray(VALID_LOOP)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1)) if data else 0
        kind = draw(st.sampled_from(["set", "delete", "insert", "truncate"]))
        if kind == "set" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 8))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at:]
    return bytes(data)


def test_the_valid_loop_parses_to_the_examples() -> None:
    assert parseDescriptors(VALID_LOOP) == [(example.tag, example.expected)
                                            for example in EN_300_468]


@settings(max_examples=300, deadline=None)
@given(mutatedLoops())
def test_a_damaged_descriptor_loop_parses_or_raises_DescriptorError(data: bytes) -> None:
    try:
        found = parseDescriptors(data)
    except DescriptorError:
        return
    checkParsed(found, len(data))


# ------------------------------------------------------------ the docstring

def indentedCode(block: str) -> str:
    """The indented code at the start of ``block``, up to its first line
    that is not indented (the prose after the example)."""
    lines = []
    for line in block.splitlines():
        if line.strip() and not line.startswith(" "):
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines))


def test_the_module_docstring_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    doc = importlib.import_module("Kamaelia.Support.DVB.Descriptors").__doc__ or ""
    usage = doc.split("Example Usage\n", 1)[1].split("\nHow does it work?", 1)[0]
    blocks = usage.split("::\n")[1:]
    assert len(blocks) == 2
    for block in blocks:
        exec(compile(indentedCode(block), "<Descriptors docstring>", "exec"), {})
    assert capsys.readouterr().out == ("descriptor 0x48 at offset 0: its length (16) runs past "
                                       "the end of the data (1 byte left)\n")
