"""Use cases as verbs and the ports (Protocols) they need; knows no database or HTTP."""
