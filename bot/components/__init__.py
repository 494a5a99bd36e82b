"""Custom NLU components: deterministic understanding of facts that must survive speech."""
