"""Collecting a stream into a list with DataSink (mirrors 1.14's Contrib/Kamaelia.Apps.SA/DataSink.py).

    python examples/compat114/sa_data_sink.py

A ``DataSource`` sends four fruit down a ``Pipeline`` into a ``DataSink``,
which appends each to a list-like object of ours that announces every
append; once the Pipeline has ended, the collected list is printed::

    storing apple
    storing banana
    storing cherry
    storing damson
    ['apple', 'banana', 'cherry', 'damson']
"""
from Kamaelia.Apps.SA.DSL import DataSink
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.DataSource import DataSource

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("storing apple\nstoring banana\nstoring cherry\nstoring damson\n"
                  "['apple', 'banana', 'cherry', 'damson']\n")


class AnnouncingList(list):
    """A list that says what it is given."""

    def append(self, item):
        print("storing", item)
        super().append(item)


basket = AnnouncingList()
Pipeline(DataSource(["apple", "banana", "cherry", "damson"]), DataSink(basket)).run()
print(basket)
