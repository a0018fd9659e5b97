"""The transcoder's settings: defaults, checks, TOML and 1.14's config file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Apps.Transcoder.config import (ConfigError, ImageSettings, PdfSettings,
                                             TranscoderConfig, VideoSettings, loadConfig)


def test_the_defaults_are_1_14s_sizes_and_a_web_ladder() -> None:
    images = ImageSettings()
    assert images.sizes == {"large": 626, "normal": 466, "medium": 306, "thumb": 146,
                            "minithumb": 66}
    assert images.squares == {"microthumb": 40, "nanothumb": 18}
    assert images.formats == ("jpeg", "webp", "avif") and images.strip_metadata
    assert VideoSettings().ladder == {"1080p": 1080, "720p": 720, "360p": 360}
    config = TranscoderConfig()
    assert config.incoming == ["uploads"] and config.output == "transcoded"
    assert config.queues["image"] == "queue/images"
    assert config.folder(config.moderation["pdf"]) == "transcoded/moderate/documents"


@pytest.mark.parametrize("make, message", [
    (lambda: ImageSettings(jpeg_quality=300), "image.jpeg_quality = 300"),
    (lambda: ImageSettings(formats=("gif",)), "image.formats = 'gif'"),
    (lambda: ImageSettings(formats=()), "image.formats = []"),
    (lambda: ImageSettings(sizes={"../x": 10}), "'../x' is not a usable file name"),
    (lambda: ImageSettings(sizes={"big": 0}), "image.sizes.big = 0"),
    (lambda: ImageSettings(strip_metadata="yes"), "image.strip_metadata = 'yes'"),
    (lambda: ImageSettings(squares={"large": 40}), "both name 'large'"),
    (lambda: ImageSettings(sizes={}, squares={}), "name at least one"),
    (lambda: ImageSettings(animated="avi"), "image.animated = 'avi'"),
    (lambda: VideoSettings(ladder={}), "video.ladder = {}"),
    (lambda: VideoSettings(crf=99), "video.crf = 99"),
    (lambda: VideoSettings(preset="warp"), "video.preset = 'warp'"),
    (lambda: VideoSettings(audio_bitrate="loud"), "video.audio_bitrate = 'loud'"),
    (lambda: VideoSettings(poster_at=1.5), "video.poster_at = 1.5"),
    (lambda: VideoSettings(hls=1), "video.hls = 1"),
    (lambda: PdfSettings(max_pages=0), "pdf.max_pages = 0"),
    (lambda: TranscoderConfig(incoming=[]), "incoming = []"),
    (lambda: TranscoderConfig(workers=0), "transcoder.workers = 0"),
    (lambda: TranscoderConfig(dask="scheduler"), "dask = 'scheduler'"),
    (lambda: TranscoderConfig(settle=-1), "settle = -1"),
    (lambda: TranscoderConfig(queues={"audio": "x"}), "queues = {'audio': 'x'}"),
    (lambda: TranscoderConfig(image={"size": 3}), "[image] has no setting 'size'"),
])
def test_a_bad_value_is_refused_naming_the_key_and_the_value(make: object,
                                                            message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        make()  # type: ignore[operator]
    assert message in str(caught.value)


def test_a_toml_file_sets_sections_and_the_command_line_overrides_it(tmp_path: Path) -> None:
    path = tmp_path / "transcoder.toml"
    path.write_text('incoming = ["in"]\noutput = "out"\nworkers = 3\n'
                    '[image]\nsizes = {big = 1000}\nformats = ["jpeg", "webp"]\n'
                    '[video]\nladder = {"480p" = 480}\nhls = true\n')
    config = loadConfig(str(path), workers=1, output=None)
    assert (config.incoming, config.output, config.workers) == (["in"], "out", 1)
    assert config.image.sizes == {"big": 1000} and config.image.formats == ("jpeg", "webp")
    assert config.video.ladder == {"480p": 480} and config.video.hls


def test_1_14s_batch_converter_conf_is_read(tmp_path: Path) -> None:
    path = tmp_path / "batch_converter.conf"
    path.write_text("# comments\n\nmain_incoming_queue /srv/uploads\n"
                    "image_moderation_queue /srv/moderate/images\n"
                    "video_queue /srv/uploads/videos\n")
    config = loadConfig(str(path))
    assert config.incoming == ["/srv/uploads"]
    assert config.moderation["image"] == "/srv/moderate/images"
    assert config.queues["video"] == "/srv/uploads/videos"
    assert config.folder(config.queues["video"]) == "/srv/uploads/videos"


@pytest.mark.parametrize("name, text, message", [
    ("bad.toml", "incoming = [", "not valid TOML"),
    ("bad.toml", "colour = 'red'", "no setting 'colour'"),
    ("bad.toml", "[video]\ncrf = 'high'", "video.crf = 'high'"),
    ("bad.conf", "main_incoming_queue", "line 1"),
    ("bad.conf", "# fine\nspeed fast", "line 2"),
])
def test_a_bad_file_is_refused_naming_the_file_and_the_place(tmp_path: Path, name: str,
                                                            text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        loadConfig(str(path))
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the configuration"):
        loadConfig(str(tmp_path / "nowhere.toml"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["fuzz.conf", "fuzz.toml"]))
def test_fuzzed_files_give_settings_or_a_config_error(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as file:
            file.write(data)
        try:
            config = loadConfig(path)
        except ConfigError as error:
            assert path in str(error)
        else:
            assert isinstance(config, TranscoderConfig)


_anything = st.recursive(st.none() | st.booleans() | st.integers(-10, 10**6) | st.floats()
                         | st.text(max_size=8),
                         lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                         max_leaves=6)
_KEYS = ["incoming", "output", "workers", "dask", "settle", "include", "exclude", "queues",
         "moderation", "done", "failed"]
_SECTION_KEYS = {"image": ["sizes", "squares", "formats", "jpeg_quality", "max_pixels",
                           "animated", "strip_metadata"],
                 "video": ["ladder", "crf", "preset", "audio_bitrate", "poster_at", "hls",
                           "threads", "ffmpeg"],
                 "pdf": ["sizes", "formats", "max_pages", "text"]}


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYS), _anything, max_size=4),
       st.sampled_from(sorted(_SECTION_KEYS)).flatmap(
           lambda section: st.tuples(st.just(section), st.dictionaries(
               st.sampled_from(_SECTION_KEYS[section]), _anything, max_size=3))))
def test_fuzzed_values_give_settings_or_a_config_error(values: dict[str, object],
                                                      section: tuple[str, dict]) -> None:
    name, table = section
    try:
        config = TranscoderConfig(**values, **{name: table})  # type: ignore[arg-type]
    except ConfigError:
        return
    assert isinstance(config.incoming, list) and isinstance(config.output, str)
