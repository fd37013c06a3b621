"""Demo data for results and ranking (called by ``seed_demo``): deterministic and idempotent."""


def seed_results_demo() -> int:
    """Write the demo rows; returns how many were created."""
    return 0
