"""Custom actions of the assistant, split by flow; they import `triage` and nothing else of ours."""
