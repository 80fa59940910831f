"""The workflows this process saved last, kept deserialized for the instance's next step.

Restoring a workflow from its JSON is about a third of a raw SpiffWorkflow step (bench/engine.py).
A process that saved an instance keeps the live workflow object with the exact text it stored;
the next step that locks the instance and finds that same text in the row uses the object
instead of parsing the text again. Temporal's workers keep workflows the same way ("sticky
execution").

Why it cannot serve a stale workflow:

* An entry is used only when the row's state is *equal* to the text the entry was dumped as.
  Another process's step, a rolled-back step (the row keeps its old text) or a rewritten row all
  change the text, and then the row is deserialized as before.
* An entry is taken out (``take``) before the step uses it, so two threads never share a
  workflow, and a step that fails half-way leaves nothing behind: the next step deserializes.
* The text is what the object serializes to at the moment it is kept; nothing touches the object
  between ``keep`` and the next ``take``.

``TDKT_WORKFLOW_CACHE`` sets how many instances a process keeps (least recently saved dropped
first); 0 turns the cache off. Each runtime has its own cache (``engine.wiring.Wiring.workflows``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Entry:
    """A saved instance's live workflow, with the text and spec it was saved with."""

    state: str
    spec_id: int
    workflow: Any
    reached: dict[str, list[Any]]


class WorkflowCache:
    """A bounded, thread-safe map of instance id to the workflow its last save left."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[int, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(self, instance_id: int, spec_id: int, state: str) -> Entry | None:
        """Remove and return the instance's entry if it was saved as ``state`` on ``spec_id``."""
        with self._lock:
            entry = self._entries.pop(instance_id, None)
            if entry is not None and entry.spec_id == spec_id and entry.state == state:
                self.hits += 1
                return entry
            self.misses += 1
            return None

    def keep(self, instance_id: int, entry: Entry) -> None:
        """Keep ``entry`` as the instance's newest save; drop the oldest beyond the size."""
        if self.size <= 0:
            return
        with self._lock:
            self._entries[instance_id] = entry
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def resize(self, size: int) -> None:
        with self._lock:
            self.size = size
            while len(self._entries) > max(size, 0):
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


#: Default size: a department's dossiers of a campaign fit; ~70 KB each at the council step.
DEFAULT_SIZE = 256
