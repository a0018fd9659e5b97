"""Kamaelia Transcoder: watch folders, make web versions of images, videos and PDFs.

Example Usage
-------------
From the shell: watch ``uploads/`` and build ``site/`` (Ctrl-C stops; a
restart carries on where it stopped)::

    $ kamaelia transcode uploads/ site/
    $ kamaelia transcode uploads/ site/ --once --serve 8080   # then browse the results
    $ kamaelia transcode uploads/ site/ --dask tcp://scheduler:8786

From Python, the same system as a component::

    from Kamaelia.Apps.Transcoder.components import TranscoderService
    from Kamaelia.Apps.Transcoder.config import TranscoderConfig, VideoSettings

    if __name__ == "__main__":
        config = TranscoderConfig(incoming=["uploads"], output="site",
                                  video=VideoSettings(ladder={"720p": 720}, hls=True))
        TranscoderService(config, once=True).run()

``kamaelia examples transcode_folder`` makes a few images, a video and a
PDF, transcodes them and prints what it made. ``docs/apps/transcoder.md``
is the guide: set-up, every setting, the output layout, Dask, and how this
compares with Kamaelia 1.14's BatchFileProcessor and with Tdarr.

What it makes
-------------
* **Images** (Pillow): EXIF orientation applied, converted to sRGB,
  metadata stripped; 1.14's widths (large 626, normal 466, medium 306,
  thumb 146, minithumb 66) and square crops (microthumb 40, nanothumb 18),
  each as JPEG, WebP and AVIF; animated GIFs keep their frames (or get an
  MP4). Decompression bombs and corrupt files are refused with a reason.
* **Videos** (ffmpeg): an H.264/AAC MP4 ladder with ``+faststart``, never
  upscaled; optionally VP9/Opus WebM and HLS; a poster, a thumbnail strip
  and an ``index.html`` with a ``<video>`` element.
* **PDFs** (PyMuPDF): page images, a first-page poster, the page count
  and the text for search; encrypted or broken files are refused.

Each item's folder holds a ``manifest.json`` (source name, checksum,
sizes, durations, every rendition with its path and dimensions).

Modules
-------
* ``config`` -- the settings and their defaults; TOML or 1.14's batch_converter.conf
* ``images`` -- an image becomes its sizes in JPEG, WebP and AVIF (Pillow)
* ``video`` -- a video becomes an H.264 ladder, WebM, HLS, a poster and a page (ffmpeg)
* ``pdf`` -- a PDF becomes page images, a poster and its text (PyMuPDF)
* ``renditions`` -- what a transcode makes (``ItemResult``), and ``Refused``
* ``jobs`` -- ``runJob``: one transcode as a worker runs it (never raises)
* ``workflow`` -- the moderation queue's folders and rules, without Axon
* ``state`` -- SQLite: what is queued, running, done and failed
* ``progress`` -- the workers' progress reports, as UDP datagrams
* ``components`` -- ``TranscoderService``: the whole system as a component
* ``display`` -- ``ProgressDisplay``: progress bars, or a line per event
* ``main`` -- the ``kamaelia transcode`` command
"""
