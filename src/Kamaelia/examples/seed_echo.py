"""The first seed example: echo what is typed, through a Pipeline.

Run it and type lines (Ctrl-D ends), or pipe text in:

    printf 'hello\\nworld\\n' | python examples/seed_echo.py

prints ``hello`` and ``world``. This is the program from the Kamaelia home
page, exactly as printed there.
"""
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleReader, ConsoleEchoer
Pipeline(
    ConsoleReader(),
    ConsoleEchoer(),
).run()
