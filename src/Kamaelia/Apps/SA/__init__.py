"""Kamaelia.Apps.SA: small utility components contributed by Stephen Anderson.

Modules
-------
* ``DSL`` -- ``DataSink``: collects what arrives into a list (DataSource's inverse)
* ``Time`` -- ``SingleTick`` / ``PeriodicTick``: a message after a delay, or every so often
* ``Chassis`` -- ``TTL``: wraps a component and shuts it down after a time to live
"""
