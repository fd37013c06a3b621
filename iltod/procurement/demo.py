"""Demo data for procurement monitoring (called by ``seed_demo``): deterministic and idempotent."""


def seed_procurement_demo() -> int:
    """Write the demo rows; returns how many were created."""
    return 0
