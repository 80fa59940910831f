"""Pure rules of the TĐKT procedure: legal bases, titles, eligibility and the council tally.

Nothing here touches the database or SpiffWorkflow; the engine calls these functions and puts
their results into task data.
"""
