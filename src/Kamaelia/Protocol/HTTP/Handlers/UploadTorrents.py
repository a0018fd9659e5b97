"""Retired: importing Kamaelia.Protocol.HTTP.Handlers.UploadTorrents raises ImportError saying why (see Kamaelia._retired)."""

from Kamaelia._retired import retire

retire(__name__)
