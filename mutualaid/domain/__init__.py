"""The domain: what a volunteer, a task, a plan is."""
