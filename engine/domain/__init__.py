"""The domain: dossiers, nominees, the council and its ballot, awards, the legal rules."""
