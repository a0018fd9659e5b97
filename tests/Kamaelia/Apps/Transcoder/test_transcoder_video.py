"""Tests for Kamaelia.Apps.Transcoder.video: the plan, the commands, the progress
parser, and real transcodes of tiny generated videos checked with ffprobe and Pillow."""

from __future__ import annotations

import glob
import html.parser
import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings as hypothesisSettings, strategies as st
from PIL import Image

from Kamaelia.Apps.Transcoder.config import VideoSettings
from Kamaelia.Apps.Transcoder.renditions import ItemResult, Refused
from Kamaelia.Apps.Transcoder.video import (ProgressParser, ProgressUpdate, Rung, commands,
                                            factsFromProbe, parseProgress, parsePlaylist, plan,
                                            probe, transcode)
from videofixtures import (makeCorrupt, makeMkv, makeMov, makeMp4, makePortrait,
                           makeRandomBytes, makeRotated, makeSilent, makeTruncated, makeVideo,
                           topLevelBoxes)

SMALL = {"240p": 240, "120p": 120}


def ffprobe(path: Path) -> dict[str, Any]:
    done = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of",
                           "json", "file:" + os.path.abspath(path)],
                          capture_output=True, check=True, stdin=subprocess.DEVNULL)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def streamsOf(path: Path, kind: str) -> list[dict[str, Any]]:
    return [stream for stream in ffprobe(path)["streams"] if stream["codec_type"] == kind]


def run(source: Path, outdir: Path, settings: VideoSettings
        ) -> tuple[ItemResult, list[tuple[str, float]]]:
    outdir.mkdir()
    events: list[tuple[str, float]] = []
    result = transcode(source, outdir, settings, lambda step, f: events.append((step, f)))
    return result, events


def children() -> list[int]:
    pids: list[int] = []
    for name in glob.glob(f"/proc/{os.getpid()}/task/*/children"):
        with open(name) as file:
            pids += [int(pid) for pid in file.read().split()]
    return pids


def ffmpegChildren() -> list[int]:
    found = []
    for pid in children():
        try:
            with open(f"/proc/{pid}/comm") as file:
                if file.read().strip() == "ffmpeg":
                    found.append(pid)
        except FileNotFoundError:
            pass
    return found


class References(html.parser.HTMLParser):
    """Every src/href/poster in a page, its title, and whether it has a <video>."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.tags: list[str] = []
        self.title = ""
        self._inTitle = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._inTitle = tag == "title"
        for name, value in attrs:
            if name in ("src", "href", "poster") and value:
                self.references.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._inTitle = False

    def handle_data(self, data: str) -> None:
        if self._inTitle:
            self.title += data


def checkPage(outdir: Path) -> References:
    text = (outdir / "index.html").read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    page = References()
    page.feed(text)
    page.close()
    assert "video" in page.tags and "source" in page.tags
    import urllib.parse
    for reference in page.references:
        target = outdir / urllib.parse.unquote(reference, errors="surrogateescape")
        assert target.is_file(), reference
    return page


def checkProgress(events: list[tuple[str, float]]) -> None:
    fractions = [fraction for _, fraction in events]
    assert fractions, "no progress reported"
    assert fractions == sorted(fractions), fractions
    assert fractions[0] >= 0.0 and fractions[-1] == 1.0
    assert len(set(fractions)) > 3         # it moved in steps, not only at the end


def checkRenditions(result: ItemResult, outdir: Path) -> None:
    for rendition in result.renditions:
        path = outdir / rendition.path
        assert path.is_file(), rendition.path
        assert rendition.bytes == path.stat().st_size > 0


def checkFaststart(path: Path) -> None:
    kinds = [kind for kind, _, _ in topLevelBoxes(path.read_bytes())]
    assert "moov" in kinds and "mdat" in kinds
    assert kinds.index("moov") < kinds.index("mdat"), kinds


# -- plan ----------------------------------------------------------------------------------

def test_plan_leaves_out_rungs_taller_than_the_source() -> None:
    assert plan({"width": 640, "height": 360}, VideoSettings()) == [Rung("360p", 640, 360)]
    assert plan({"width": 1920, "height": 1080}, VideoSettings()) == [
        Rung("1080p", 1920, 1080), Rung("720p", 1280, 720), Rung("360p", 640, 360)]


def test_plan_applies_the_ladder_to_the_short_side_of_a_portrait_video() -> None:
    assert plan({"width": 1080, "height": 1920}, VideoSettings(ladder={"720p": 720})) == [
        Rung("720p", 720, 1280)]


def test_plan_makes_one_rung_at_the_source_size_when_none_fits() -> None:
    assert plan({"width": 426, "height": 240}, VideoSettings(ladder={"360p": 360})) == [
        Rung("240p", 426, 240)]
    # An odd-sized source is rounded down to even, never up.
    assert plan({"width": 321, "height": 241}, VideoSettings(ladder={"360p": 360})) == [
        Rung("240p", 320, 240)]


@hypothesisSettings(max_examples=300, deadline=None)
@given(width=st.integers(16, 8000), height=st.integers(16, 8000),
       sides=st.lists(st.integers(16, 4000), min_size=1, max_size=5))
def test_plan_sizes_are_even_never_bigger_and_keep_the_aspect(width: int, height: int,
                                                              sides: list[int]) -> None:
    ladder = {f"r{index}": side for index, side in enumerate(sides)}
    rungs = plan({"width": width, "height": height}, VideoSettings(ladder=ladder))
    assert rungs
    for rung in rungs:
        assert rung.width % 2 == 0 and rung.height % 2 == 0
        assert rung.width <= width and rung.height <= height
        # Rounding to even moves each side by at most 2 pixels (and a tiny
        # side is at least 2): the aspect is kept to that precision.
        assert abs(rung.width * height - rung.height * width) <= 2 * (width + height)
    assert [rung.height for rung in rungs] == sorted((r.height for r in rungs), reverse=True)


# -- facts ----------------------------------------------------------------------------------

def videoStream(**fields: Any) -> dict[str, Any]:
    stream = {"index": 0, "codec_type": "video", "codec_name": "h264", "width": 320,
              "height": 240, "avg_frame_rate": "25/1", "duration": "2.000000"}
    stream.update(fields)
    return stream


def test_facts_turn_a_rotated_video_on_its_side() -> None:
    facts = factsFromProbe({"format": {"duration": "2.0"}, "streams": [videoStream(
        side_data_list=[{"side_data_type": "Display Matrix", "rotation": -90}])]})
    assert (facts["width"], facts["height"], facts["rotation"]) == (240, 320, 270)
    older = factsFromProbe({"format": {"duration": "2.0"},
                            "streams": [videoStream(tags={"rotate": "90"})]})
    assert (older["width"], older["height"]) == (240, 320)


def test_facts_widen_non_square_pixels() -> None:
    facts = factsFromProbe({"format": {"duration": "2.0"}, "streams": [videoStream(
        width=720, height=576, sample_aspect_ratio="64:45")]})
    assert (facts["width"], facts["height"]) == (1024, 576)


def test_facts_skip_cover_art_and_read_matroska_durations() -> None:
    facts = factsFromProbe({"format": {"format_name": "matroska,webm"}, "streams": [
        videoStream(index=0, codec_name="mjpeg", disposition={"attached_pic": 1}),
        videoStream(index=1, duration=None, tags={"DURATION": "00:00:03.500000000"}),
        {"index": 2, "codec_type": "audio", "codec_name": "opus", "channels": 6}]})
    assert facts["video_stream"] == 1 and facts["audio_stream"] == 2
    assert facts["duration"] == 3.5 and facts["audio_codec"] == "opus"
    assert facts["audio_channels"] == 6 and facts["has_audio"]


@pytest.mark.parametrize("data, reason", [
    ({"streams": []}, "no video stream in the file .ffprobe found no streams at all"),
    ({"streams": [{"codec_type": "audio", "codec_name": "mp3"}], "format": {"duration": "3"}},
     r"no video stream in the file \(ffprobe found audio mp3\)"),
    ({"streams": [videoStream(disposition={"attached_pic": 1})]},
     "only a still picture"),
    ({"streams": [videoStream(width=None)], "format": {"duration": "2"}}, "no picture size"),
    ({"streams": [videoStream(duration="N/A")], "format": {}}, "duration is unknown or zero"),
    ({"streams": [videoStream(duration="0")], "format": {"duration": "0.000"}},
     "duration is unknown or zero"),
    ("not even a dict", "no video stream"),
])
def test_facts_refuse_what_cannot_be_transcoded(data: Any, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        factsFromProbe(data)


jsonValues = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20)
streamKeys = st.sampled_from(["index", "codec_type", "codec_name", "width", "height",
                              "duration", "avg_frame_rate", "r_frame_rate", "nb_frames",
                              "sample_aspect_ratio", "side_data_list", "tags", "disposition",
                              "channels"])
streamValues = jsonValues | st.sampled_from(["video", "audio", "25/1", "0/0", "4:3", "N/A",
                                             "1e999", "-90", "00:00:01.5"])
looksLikeProbe = st.fixed_dictionaries({
    "streams": st.lists(st.dictionaries(streamKeys, streamValues, max_size=14), max_size=3),
    "format": st.dictionaries(st.sampled_from(["duration", "format_name"]), streamValues)})


@hypothesisSettings(max_examples=150, deadline=None)
@given(data=jsonValues | looksLikeProbe)
def test_fuzz_facts_either_describe_the_video_or_refuse(data: Any) -> None:
    try:
        facts = factsFromProbe(data)
    except Refused as refusal:
        assert refusal.reason
        return
    assert facts["width"] >= 1 and facts["height"] >= 1 and facts["duration"] > 0
    json.dumps(facts)                      # it goes into the manifest


# -- progress ------------------------------------------------------------------------------

SAMPLE = (b"frame=1\nfps=0.00\nout_time_us=46440\nout_time_ms=46440\n"
          b"out_time=00:00:00.046440\nprogress=continue\n"
          b"frame=50\nout_time_us=N/A\nout_time_ms=N/A\nout_time=N/A\nprogress=continue\n"
          b"frame=50\nout_time_us=2020136\nout_time_ms=2020136\nout_time=00:00:02.020136\n"
          b"progress=end\n")


def test_progress_reads_each_block_and_keeps_time_when_ffmpeg_says_na() -> None:
    assert list(parseProgress([SAMPLE])) == [
        ProgressUpdate(0.04644, False), ProgressUpdate(0.04644, False),
        ProgressUpdate(2.020136, True)]


def test_progress_takes_out_time_ms_as_microseconds_and_out_time_as_a_clock() -> None:
    assert list(parseProgress([b"out_time_ms=1500000\nprogress=continue\n"])) == [
        ProgressUpdate(1.5, False)]
    assert list(parseProgress([b"out_time=01:02:03.250000\r\nprogress=end\r\n"])) == [
        ProgressUpdate(3723.25, True)]


def test_progress_ignores_negative_times_and_a_last_line_without_newline_counts() -> None:
    parser = ProgressParser()
    assert parser.feed(b"out_time=-00:00:00.500\nout_time_us=-500000\nprogress=continue\n") \
        == [ProgressUpdate(0.0, False)]
    assert parser.feed(b"out_time_us=3000000\nprogress=end") == []
    assert parser.close() == [ProgressUpdate(3.0, True)] and parser.ended


def test_progress_is_the_same_however_the_bytes_are_split() -> None:
    whole = list(parseProgress([SAMPLE]))
    for cut in range(len(SAMPLE) + 1):
        assert list(parseProgress([SAMPLE[:cut], SAMPLE[cut:]])) == whole
    assert list(parseProgress([SAMPLE[i:i + 1] for i in range(len(SAMPLE))])) == whole


def test_progress_skips_an_overlong_line() -> None:
    parser = ProgressParser()
    assert parser.feed(b"out_time_us=" + b"9" * 10_000) == []
    assert parser.feed(b"99\nout_time_us=1000000\nprogress=continue\n") == [
        ProgressUpdate(1.0, False)]


@hypothesisSettings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600) | st.lists(st.sampled_from(
    [b"out_time_us=", b"out_time_ms=", b"out_time=", b"progress=", b"end", b"continue",
     b"N/A", b"-", b"12", b"00:01:02.5", b":", b"=", b"\n", b"\r\n", b"\xff", b" "]),
    max_size=60).map(b"".join),
       cuts=st.lists(st.integers(0, 600), max_size=8))
def test_fuzz_progress_never_raises_and_time_never_goes_negative_or_back(
        data: bytes, cuts: list[int]) -> None:
    points = sorted({0, len(data), *(cut for cut in cuts if cut <= len(data))})
    chunks = [data[start:end] for start, end in zip(points, points[1:])]
    updates = list(parseProgress(chunks))
    times = [update.seconds for update in updates]
    assert all(time >= 0 for time in times) and times == sorted(times)
    assert updates == list(parseProgress([data]))


# -- playlists -------------------------------------------------------------------------------

def test_playlist_lists_each_segment_with_its_duration() -> None:
    text = ("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000000,\n"
            "segment00000.ts\n#EXTINF:1.5,\nsegment00001.ts\n#EXT-X-ENDLIST\n")
    assert parsePlaylist(text) == [(2.0, "segment00000.ts"), (1.5, "segment00001.ts")]


@hypothesisSettings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300) | st.lists(st.sampled_from(
    ["#EXTINF:", "2.5", ",", "\n", "seg.ts", "#EXTM3U", "nan", "-3", "inf"]),
    max_size=40).map("".join))
def test_fuzz_playlist_never_raises(text: str) -> None:
    for seconds, uri in parsePlaylist(text):
        assert seconds >= 0 and uri and not uri.startswith("#")


# -- commands ------------------------------------------------------------------------------

FACTS = {"width": 640, "height": 360, "duration": 2.0, "video_duration": 2.0,
         "frame_rate": 25.0, "frames": 50, "has_audio": True, "audio_channels": 6,
         "video_stream": 0, "audio_stream": 1}


def test_commands_encode_each_rung_with_x264_aac_and_faststart(tmp_path: Path) -> None:
    settings = VideoSettings(ladder={"360p": 360, "240p": 240}, crf=20, preset="faster",
                             threads=2)
    steps = commands(tmp_path / "-in.mov", tmp_path / "out", FACTS, plan(FACTS, settings),
                     settings)
    encodes = [step for step in steps if step.kind == "mp4"]
    assert [step.name for step in encodes] == ["360p", "240p"]
    for step in steps:
        assert all(isinstance(argument, str) for argument in step.argv)
        assert step.argv[:2] == ("ffmpeg", "-nostdin")
        assert "file:" + str(tmp_path / "-in.mov") in step.argv
        assert step.outputs[0].is_absolute()
    argv = " ".join(encodes[0].argv)
    for expected in ("-c:v libx264", "-crf 20", "-preset faster", "format=yuv420p",
                     "scale=640:360", "-movflags +faststart", "-c:a aac -b:a 128k -ac 2",
                     "-threads 2", "-progress pipe:1", "file:360p.mp4"):
        assert expected in argv, expected
    assert [step.kind for step in steps] == ["poster", "thumbnails", "mp4", "mp4"]


def test_commands_leave_out_audio_threads_and_thumbnails_when_asked(tmp_path: Path) -> None:
    facts = dict(FACTS, has_audio=False, audio_stream=None)
    settings = VideoSettings(ladder={"360p": 360}, thumbnails=0)
    steps = commands(tmp_path / "in.mp4", tmp_path / "out", facts, plan(facts, settings),
                     settings)
    assert [step.kind for step in steps] == ["poster", "mp4"]
    argv = steps[1].argv
    assert "-an" in argv and "aac" not in argv and "-threads" not in argv
    assert "-force_key_frames" not in argv


def test_commands_remux_each_rung_for_hls_and_encode_the_top_one_as_webm(
        tmp_path: Path) -> None:
    settings = VideoSettings(ladder={"360p": 360, "240p": 240}, hls=True, webm=True,
                             hls_segment_seconds=3)
    steps = commands(tmp_path / "in.mp4", tmp_path / "out", FACTS, plan(FACTS, settings),
                     settings)
    assert [step.name for step in steps] == ["poster", "thumbnails", "360p", "360p hls",
                                             "240p", "240p hls", "360p webm"]
    remux = steps[3]
    assert remux.cwd == tmp_path / "out" / "hls" / "360p"
    assert "file:" + str(tmp_path / "out" / "360p.mp4") in remux.argv
    argv = " ".join(remux.argv)
    assert "-c copy -f hls -hls_time 3 -hls_playlist_type vod" in argv
    assert "expr:gte(t,n_forced*3)" in steps[2].argv
    webm = " ".join(steps[-1].argv)
    for expected in ("-c:v libvpx-vp9", "-b:v 0", "-row-mt 1", "-c:a libopus",
                     "file:360p.webm", "scale=640:360"):
        assert expected in webm, expected
    assert all(step.weight > 0 for step in steps)


# -- transcoding real files ----------------------------------------------------------------

def test_transcode_makes_the_ladder_hls_poster_strip_and_page(tmp_path: Path) -> None:
    source = makeMp4(tmp_path / "clip.mp4", seconds=2.0, size=(320, 240))
    settings = VideoSettings(ladder=SMALL, hls=True, hls_segment_seconds=1, thumbnails=5,
                             thumbnail_width=64, poster_width=200)
    result, events = run(source, tmp_path / "out", settings)
    out = tmp_path / "out"
    assert result.kind == "video"
    assert (result.info["width"], result.info["height"]) == (320, 240)
    assert result.info["video_codec"] == "h264" and result.info["audio_codec"] == "aac"
    checkRenditions(result, out)
    checkProgress(events)

    videos = [r for r in result.renditions if r.kind == "video"]
    assert [(r.path, r.width, r.height) for r in videos] == [
        ("240p.mp4", 320, 240), ("120p.mp4", 160, 120)]
    for rendition in videos:
        picture, = streamsOf(out / rendition.path, "video")
        sound, = streamsOf(out / rendition.path, "audio")
        assert (picture["codec_name"], picture["pix_fmt"], sound["codec_name"]) == (
            "h264", "yuv420p", "aac")
        assert (picture["width"], picture["height"]) == (rendition.width, rendition.height)
        assert rendition.duration is not None and abs(rendition.duration - 2.0) < 0.1
        assert rendition.extra["video_codec"] == "h264"
        assert rendition.extra["audio_codec"] == "aac"
        checkFaststart(out / rendition.path)

    master = (out / "hls" / "master.m3u8").read_text()
    assert master.startswith("#EXTM3U\n")
    variants = [line for line in master.splitlines() if line and not line.startswith("#")]
    assert variants == ["240p/index.m3u8", "120p/index.m3u8"]
    assert "RESOLUTION=320x240" in master and "RESOLUTION=160x120" in master
    assert master.count("BANDWIDTH=") == 4 and master.count('CODECS="avc1.') == 2
    for variant in variants:
        playlist = out / "hls" / variant
        text = playlist.read_text()
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in text and "#EXT-X-ENDLIST" in text
        segments = parsePlaylist(text)
        assert len(segments) == 2                   # 1 s segments of a 2 s video
        assert abs(sum(seconds for seconds, _ in segments) - 2.0) < 0.1
        for _, uri in segments:
            assert streamsOf(playlist.parent / uri, "video")[0]["codec_name"] == "h264"

    with Image.open(out / "poster.jpg") as poster:
        assert poster.size == (200, 150)
    strip = next(r for r in result.renditions if r.kind == "thumbnails")
    assert strip.extra == {"frames": 5, "tile_width": 64}
    with Image.open(out / "thumbnails.jpg") as image:
        assert image.size == (5 * 64, 48) == (strip.width, strip.height)
        # Five different frames of the moving pattern, none left blank.
        tiles = [image.crop((64 * index, 0, 64 * (index + 1), 48)).tobytes()
                 for index in range(5)]
        assert len(set(tiles)) == 5
        assert all(max(image.crop((64 * index, 0, 64 * (index + 1), 48)).getextrema()[0]) > 50
                   for index in range(5))

    page = checkPage(out)
    assert page.title == "clip.mp4"
    assert {"240p.mp4", "120p.mp4", "poster.jpg", "thumbnails.jpg",
            "hls/master.m3u8"} <= set(page.references)
    manifest = json.dumps(result.asManifest())
    assert "hls/240p/index.m3u8" in manifest


def test_transcode_an_mkv_with_webm_of_the_top_rung(tmp_path: Path) -> None:
    source = makeMkv(tmp_path / "clip.mkv", seconds=0.5)
    result, events = run(source, tmp_path / "out", VideoSettings(ladder=SMALL, webm=True,
                                                                 thumbnails=0))
    checkProgress(events)
    checkRenditions(result, tmp_path / "out")
    webm = next(r for r in result.renditions if r.format == "webm")
    assert (webm.path, webm.width, webm.height) == ("240p.webm", 320, 240)
    assert webm.extra == {"video_codec": "vp9", "audio_codec": "opus", "codecs": "vp9,opus"}
    assert ffprobe(tmp_path / "out" / "240p.webm")["format"]["format_name"] == "matroska,webm"
    assert webm.duration is not None and abs(webm.duration - result.info["duration"]) < 0.1
    assert not (tmp_path / "out" / "thumbnails.jpg").exists()
    assert "240p.webm" in checkPage(tmp_path / "out").references


def test_transcode_a_mov_without_sound(tmp_path: Path) -> None:
    source = makeMov(tmp_path / "quiet.mov", audio=False, seconds=0.5)
    result, _ = run(source, tmp_path / "out", VideoSettings(ladder={"240p": 240}, hls=True,
                                                            thumbnails=2))
    assert result.info["has_audio"] is False and result.info["audio_codec"] is None
    video = next(r for r in result.renditions if r.kind == "video")
    assert video.extra["audio_codec"] is None and video.extra["codecs"].startswith("avc1.")
    assert "mp4a" not in video.extra["codecs"]
    assert streamsOf(tmp_path / "out" / "240p.mp4", "audio") == []
    assert "mp4a" not in (tmp_path / "out" / "hls" / "master.m3u8").read_text()


def test_transcode_keeps_a_portrait_video_portrait(tmp_path: Path) -> None:
    source = makePortrait(tmp_path / "phone.mp4", size=(240, 426), seconds=0.5)
    result, _ = run(source, tmp_path / "out", VideoSettings(ladder={"240p": 240, "144p": 144},
                                                            thumbnails=0))
    assert [(r.width, r.height) for r in result.renditions if r.kind == "video"] == [
        (240, 426), (144, 256)]
    with Image.open(tmp_path / "out" / "poster.jpg") as poster:
        assert poster.size == (240, 426)


def test_transcode_turns_a_video_with_rotation_metadata_upright(tmp_path: Path) -> None:
    source = makeRotated(tmp_path / "upright.mp4", size=(320, 240), rotation=90, seconds=0.5)
    result, _ = run(source, tmp_path / "out", VideoSettings(ladder={"240p": 240}, thumbnails=0))
    assert (result.info["width"], result.info["height"]) == (240, 320)
    assert result.info["rotation"] == 90
    picture, = streamsOf(tmp_path / "out" / "240p.mp4", "video")
    assert (picture["width"], picture["height"]) == (240, 320)
    assert not any("rotation" in item for item in picture.get("side_data_list", []))
    with Image.open(tmp_path / "out" / "poster.jpg") as poster:
        assert poster.size == (240, 320)


def test_transcode_with_the_default_ladder_never_upscales(tmp_path: Path) -> None:
    source = makeSilent(tmp_path / "small.mp4", size=(320, 180), seconds=0.5)
    result, _ = run(source, tmp_path / "out", VideoSettings(thumbnails=0))
    videos = [r for r in result.renditions if r.kind == "video"]
    assert [(r.name, r.width, r.height) for r in videos] == [("180p", 320, 180)]
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "180p.mp4", "index.html", "poster.jpg"]


def test_transcode_takes_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    makeSilent(tmp_path / "clip.mp4", seconds=0.5)
    monkeypatch.chdir(tmp_path)
    result, _ = run(Path("clip.mp4"), Path("out"), VideoSettings(ladder={"120p": 120},
                                                                 thumbnails=0))
    assert [r.path for r in result.renditions] == ["poster.jpg", "120p.mp4", "index.html"]
    checkRenditions(result, tmp_path / "out")


AWKWARD = os.fsdecode(b"-it's a \"$HOME\" clip\n\xff.mp4")


def test_transcode_copes_with_awkward_names(tmp_path: Path) -> None:
    folder = tmp_path / "in $x 'q' %d:"
    folder.mkdir()
    source = makeVideo(folder / AWKWARD, seconds=0.5)
    outdir = tmp_path / os.fsdecode(b"out %03d: \"\xfe\"\n")
    result, events = run(source, outdir, VideoSettings(ladder={"120p": 120}, hls=True,
                                                       thumbnails=2))
    checkRenditions(result, outdir)
    checkProgress(events)
    assert (outdir / "hls" / "120p" / "segment00000.ts").is_file()
    page = checkPage(outdir)
    assert page.title == "-it's a \"$HOME\" clip\n\ufffd.mp4"
    assert "$HOME" in (outdir / "index.html").read_text("utf-8")


def test_transcode_refuses_a_file_whose_media_data_is_garbage(tmp_path: Path) -> None:
    source = makeCorrupt(tmp_path / "garbage.mp4")
    assert probe(source, VideoSettings())["duration"] > 0      # ffprobe is fooled
    (tmp_path / "out").mkdir()
    with pytest.raises(Refused, match=r"ffmpeg .*(decode|Invalid data)"):
        transcode(source, tmp_path / "out", VideoSettings(ladder=SMALL))
    assert ffmpegChildren() == []


def test_transcode_refuses_a_truncated_file(tmp_path: Path) -> None:
    source = makeTruncated(tmp_path / "half.mp4", seconds=2.0, keep=0.4)
    (tmp_path / "out").mkdir()
    with pytest.raises(Refused, match=r"decoded only [0-9.]+ s of the 2.00 s source making "
                                      r"240p \(a truncated or damaged file\)"):
        transcode(source, tmp_path / "out", VideoSettings(ladder=SMALL, thumbnails=0))


def test_transcode_refuses_random_bytes_and_sound_alone(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(Refused, match=r"ffprobe cannot read the source: .*Invalid data"):
        transcode(makeRandomBytes(tmp_path / "noise.mp4"), tmp_path / "out", VideoSettings())
    sound = tmp_path / "tone.m4a"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=duration=0.5", "-c:a", "aac", str(sound)], check=True)
    with pytest.raises(Refused, match=r"no video stream in the file \(ffprobe found audio aac"):
        transcode(sound, tmp_path / "out", VideoSettings())


def test_missing_programs_are_our_failure_not_the_sources(tmp_path: Path) -> None:
    source = makeMp4(tmp_path / "clip.mp4", seconds=0.5)
    (tmp_path / "out").mkdir()
    with pytest.raises(FileNotFoundError, match="ffprobe is not installed"):
        transcode(source, tmp_path / "out", VideoSettings(ffprobe=str(tmp_path / "no-probe")))
    with pytest.raises(FileNotFoundError, match="ffmpeg is not installed"):
        transcode(source, tmp_path / "out", VideoSettings(ffmpeg="no-such-ffmpeg-here"))


def test_a_killed_ffmpeg_is_a_runtime_error(tmp_path: Path) -> None:
    source = makeMp4(tmp_path / "long.mp4", seconds=6.0, size=(320, 240))
    killed: list[int] = []

    def killDuringEncode(step: str, fraction: float) -> None:
        if step == "240p" and not killed:
            for pid in ffmpegChildren():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    (tmp_path / "out").mkdir()
    with pytest.raises(RuntimeError, match=r"ffmpeg was killed \(signal 9\) making 240p"):
        transcode(source, tmp_path / "out", VideoSettings(ladder={"240p": 240}, thumbnails=0),
                  killDuringEncode)
    assert killed and ffmpegChildren() == []


def test_leaving_early_leaves_no_ffmpeg_running(tmp_path: Path) -> None:
    source = makeMp4(tmp_path / "long.mp4", seconds=6.0, size=(320, 240))
    seen: list[list[int]] = []

    class Stop(Exception):
        pass

    def stopDuringEncode(step: str, fraction: float) -> None:
        running = ffmpegChildren()
        if step == "240p" and running:
            seen.append(running)
            raise Stop()

    (tmp_path / "out").mkdir()
    with pytest.raises(Stop):
        transcode(source, tmp_path / "out", VideoSettings(ladder={"240p": 240}, thumbnails=0),
                  stopDuringEncode)
    assert seen and ffmpegChildren() == []


def test_the_docstring_example_prints_what_it_promises() -> None:
    import contextlib
    import io
    import re
    import textwrap
    import Kamaelia.Apps.Transcoder.video as module
    blocks = re.findall(r"::\n\n((?:(?:    .*)?\n)+)", module.__doc__ or "")
    code = "\n".join(textwrap.dedent(block) for block in blocks)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "video.py example", "exec"), {})
    # The progress lines depend on how fast ffmpeg runs; the rest is fixed.
    lines = [line for line in printed.getvalue().splitlines()
             if not re.fullmatch(r"[\w ]+ [01]\.\d+|[\w ]+ [01]", line)]
    assert lines == [
        "320 240 aac", "poster poster.jpg 320 240", "thumbnails thumbnails.jpg 640 120",
        "video 240p.mp4 320 240", "playlist hls/240p/index.m3u8 320 240",
        "video 144p.mp4 192 144", "playlist hls/144p/index.m3u8 192 144",
        "playlist hls/master.m3u8 320 240", "html index.html None None",
        "[Rung(name='1080p', width=1080, height=1920), Rung(name='720p', width=720, "
        "height=1280), Rung(name='360p', width=360, height=640)]",
        "[] [ProgressUpdate(seconds=1.5, end=False)]"]


def test_what_the_renditions_say_without_an_ffprobe_is_what_ffprobe_reads(
        tmp_path: Path) -> None:
    # The MP4 and WebM renditions take their size from the plan, their
    # duration from ffmpeg's own count and the codecs from the avcC box:
    # ffprobe of the files must agree.
    from Kamaelia.Apps.Transcoder.video import _codecs
    source = makeMp4(tmp_path / "agree.mp4", seconds=1.5, size=(320, 240))
    result, _ = run(source, tmp_path / "out", VideoSettings(ladder=SMALL, webm=True,
                                                            thumbnails=0))
    videos = [r for r in result.renditions if r.kind == "video"]
    assert {r.format for r in videos} == {"mp4", "webm"}
    for rendition in videos:
        probed = ffprobe(tmp_path / "out" / rendition.path)
        [picture] = [s for s in probed["streams"] if s["codec_type"] == "video"]
        [sound] = [s for s in probed["streams"] if s["codec_type"] == "audio"]
        assert (rendition.width, rendition.height) == (picture["width"], picture["height"])
        assert abs(rendition.duration - float(probed["format"]["duration"])) < 0.1
        assert (rendition.extra["video_codec"], rendition.extra["audio_codec"]) == \
            (picture["codec_name"], sound["codec_name"])
        if rendition.format == "mp4":
            assert rendition.extra["codecs"] == _codecs(picture, True)
