"""A purge backend for tests: remembers what it was asked to purge."""


class RecordingBackend:
    purged = []

    def __init__(self, name, params):
        self.name = name

    def purge(self, tags):
        RecordingBackend.purged.extend(tags)
