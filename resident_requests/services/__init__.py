"""Writes of the requests module, by concern: intake, workflow, deadlines, escalation, alliance, notices; transition is their core."""
