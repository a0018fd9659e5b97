"""The TV recorder at work: two channels of a multiplex, cut into one file per programme.

    python examples/record_tv.py

makes a six-second multiplex of two channels with ffmpeg (its PAT, PMTs and
SDT name them "News 24" and "Films"), writes into it what a broadcaster's
EIT would say (a programme change on each channel half way through), then
records both channels from it and prints what it made:

    News 24: Morning News (already running when the stream began)
    Films: Casablanca (already running when the stream began)
    News 24: Weather (cut off by the end of the stream)
    Films: Metropolis (cut off by the end of the stream)

``TransportStreamSource`` reads the file (it would listen to
``udp://239.1.1.1:1234`` or follow an HTTP stream the same way), and
``Recorder`` does the rest: the SDT names the channels, the EIT says when
programmes change, and each programme of each channel becomes a ``.ts`` of
that service alone plus a ``.json`` of its EIT data.
(``kamaelia record --source mux.ts --channel "News 24" --channel Films``
does the same, and transcodes each recording for the web.)
"""
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

from Axon.Component import component
from Kamaelia.Apps.TVRecorder.recorder import ChannelSelection, Recorder
from Kamaelia.Apps.TVRecorder.sources import TransportStreamSource
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import eitSection
from Kamaelia.Support.DVB.TransportStream import sectionPackets

EXAMPLE_EXPECT = (
    "News 24: Morning News (already running when the stream began)\n"
    "Films: Casablanca (already running when the stream began)\n"
    "News 24: Weather (cut off by the end of the stream)\n"
    "Films: Metropolis (cut off by the end of the stream)\n"
)

START = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)
CHANNELS = {1: ("News 24", ["Morning News", "Weather"]),
            2: ("Films", ["Casablanca", "Metropolis"])}


def makeMultiplex(path: Path) -> bytes:
    """Six seconds of two channels, as ffmpeg muxes them (PAT, PMTs, SDT)."""
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y"]
    for picture in ("testsrc", "smptebars"):
        command += ["-f", "lavfi", "-i", f"{picture}=size=160x90:rate=25:duration=6",
                    "-f", "lavfi", "-i", "sine=duration=6"]
    command += ["-map", "0:v", "-map", "1:a", "-map", "2:v", "-map", "3:a",
                "-c:v", "mpeg2video", "-g", "25", "-c:a", "mp2"]
    for number, (serviceId, (name, _titles)) in enumerate(CHANNELS.items()):
        command += ["-program", f"program_num={serviceId}:st={2 * number}:st={2 * number + 1}",
                    f"-metadata:p:{number}", f"service_name={name}"]
    subprocess.run(command + ["-f", "mpegts", str(path)], check=True)
    return path.read_bytes()


def eitPackets(serviceId: int, titles: list[str], changed: bool,
               counter: int) -> tuple[list[bytes], int]:
    """What is on now and next, as a broadcaster sends it: two sections, in
    packets of PID 0x12 with continuity counters from ``counter``; the packets
    and the next counter."""
    now, following = (titles[1], None) if changed else (titles[0], titles[1])
    events = [{"event_id": serviceId * 10 + titles.index(now), "running_status": 4,
               "name": now, "start": START + timedelta(seconds=3 if changed else -1),
               "duration": timedelta(seconds=3 if changed else 4)}]
    if following:
        events.append({"event_id": serviceId * 10 + 1, "running_status": 1, "name": following,
                       "start": START + timedelta(seconds=3), "duration": timedelta(seconds=3)})
    packets: list[bytes] = []
    for number, event in enumerate(events):
        section = eitSection(0x4E, serviceId, 1, 1, version=int(changed), section_number=number,
                             last_section_number=1, events=[event])
        more, counter = sectionPackets(0x12, section, counter)     # the EIT's PID
        packets += more
    return packets, counter


def withEIT(stream: bytes) -> bytes:
    """The stream with now/next tables every tenth of it; the programmes change half way."""
    packets = [stream[i:i + 188] for i in range(0, len(stream), 188)]
    out: list[bytes] = []
    counter, every = 0, len(packets) // 10
    for index, packet in enumerate(packets):
        if index % every == 0:
            for serviceId, (_name, titles) in CHANNELS.items():
                tables, counter = eitPackets(serviceId, titles, index >= len(packets) // 2,
                                             counter)
                out += tables
        out.append(packet)
    return b"".join(out)


class Report(component):
    """Prints each recording as the Recorder finishes it; ends when the Recorder does."""

    def main(self) -> Iterator[Any]:
        while True:
            for done in self.Inbox("inbox"):
                note = (" (already running when the stream began)"
                        if done.metadata["joined_late"] else
                        " (cut off by the end of the stream)" if done.metadata["cut_short"]
                        else "")
                print(f"{done.metadata['channel']}: {done.metadata['title']}{note}", flush=True)
            if self.dataReady("control"):      # (sent after the last recording)
                return
            self.pause()
            yield 1


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        mux = Path(folder, "mux.ts")
        mux.write_bytes(withEIT(makeMultiplex(Path(folder, "raw.ts"))))
        Pipeline(TransportStreamSource(f"file:{mux}"),
                 Recorder(Path(folder, "recordings"), ChannelSelection(["News 24", "Films"])),
                 Report()).run()
