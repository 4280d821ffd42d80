"""The escalation worklist: the clinicians' home page (open EMERGENCY and URGENT escalations,
oldest first, with who owns each and how long it has waited)."""
