"""Demo data for learning and the network (called by ``seed_demo``): deterministic and idempotent."""


def seed_learning_demo() -> int:
    """Write the demo rows; returns how many were created."""
    return 0
