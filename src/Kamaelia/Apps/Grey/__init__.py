"""Kamaelia Grey: a greylisting SMTP proxy to put in front of a real mail server.

Example Usage
-------------
Move your mail server to port 8025 and run Grey on port 25 in front of it::

    $ kamaelia grey --port 25 --upstream 127.0.0.1:8025
    $ kamaelia grey --config /etc/greylist.conf        # 1.14's file (or a .toml)
    $ kamaelia grey stats                              # triplets, passes, deferrals
    $ kamaelia grey whitelist add client 192.0.2.0/24

Or let Postfix ask it, as it would ask postgrey (``check_policy_service
inet:127.0.0.1:10023`` in ``smtpd_recipient_restrictions``)::

    $ kamaelia grey --policy-port 10023

From Python, the same system as a component::

    from Kamaelia.Apps.Grey.config import GreyConfig
    from Kamaelia.Apps.Grey.service import GreyService

    service = GreyService(GreyConfig(port=0, smtp_port=8025, db="greylist.sqlite"))
    print("SMTP on port", service.smtpPort)
    service.close()            # (service.run() would serve until told to stop)

``kamaelia examples grey_quickstart`` starts Grey and a real (``aiosmtpd``)
mail server on free ports, sends one message twice and prints what
happened. ``docs/apps/grey.md`` is the administrator's guide: greylisting,
deployment, every configuration key, and how this differs from Kamaelia
Grey 1.14 and from postgrey.

What greylisting does
---------------------
Mail from a client Grey has not seen with that sender and recipient (the
*triplet*) is deferred with ``451 4.7.1``. A real mail server retries
after a while; a retry after ``greylist_delay`` seconds (300) and within
``retry_window`` (2 days) is accepted, and the triplet remembered, so later
mail passes at once. Much spam software never retries. Accepted mail is
relayed in real time: Grey opens a session with the real server and passes
each recipient and the message on before it answers, so the sender gets
the real server's own answer (a 550 from it reaches the sender) and
nothing Grey has accepted can be lost.

Modules
-------
* ``config`` -- ``GreyConfig``: every setting and its default; 1.14's
  ``greylist.conf`` and TOML files
* ``policy`` -- ``Greylist``: the decision (whitelists, triplets,
  auto-whitelisting), pure logic over a store
* ``store`` -- the triplets: SQLite (default) or PostgreSQL
* ``postfix`` -- Postfix's policy delegation protocol, sans-I/O
* ``components`` -- ``GreySession`` (one SMTP client, relayed to the real
  server), ``GreyServer`` (drains gently on shutdown), ``GreylistWorkers``,
  ``UpstreamPool`` (real-server connections kept for the next client)
* ``policyserver`` -- ``PolicySession``: one Postfix policy connection
* ``service`` -- ``GreyService``: all of it wired together
* ``main`` -- the ``kamaelia grey`` command
* ``MailHandler`` -- 1.14's SMTP server skeleton, a method per command
* ``ConcreteMailHandler`` -- 1.14's SMTP proxy session on it
* ``GreyListingPolicy`` -- 1.14's greylisting proxy session
* ``PeriodicWakeup`` -- 1.14's "send a message every N seconds"
* ``WakeableIntrospector`` -- 1.14's "list the live components when woken"
* ``Support`` -- 1.14's config-file helpers

The SMTP state machines are :mod:`Kamaelia.Protocol.SMTP`. The last six
modules are Kamaelia Grey 1.14's, kept for code built on them;
``kamaelia grey`` runs the others.

Importing this package imports none of them.
"""
