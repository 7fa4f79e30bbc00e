"""Plain data and pure rules: the attendee, the scan outcome, the decision rules and codes."""
