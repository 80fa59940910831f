"""The read side: inboxes, dossier lists and pages, statistics; never a state change."""
