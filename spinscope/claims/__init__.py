"""Check-worthy claims: which sentences state checkable facts, why, and on whose word (stage ``claim``)."""
