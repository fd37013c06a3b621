"""Demo data for disclosure and open data (called by ``seed_demo``): deterministic and idempotent."""


def seed_disclosure_demo() -> int:
    """Write the demo rows; returns how many were created."""
    return 0
