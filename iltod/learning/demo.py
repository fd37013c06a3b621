"""Demo data for learning and the network (called by ``seed_demo``): deterministic and idempotent."""


def _seed_members() -> int:
    from .demo_network import seed_members

    return seed_members()


def _seed_competencies() -> int:
    from .demo_network import seed_competencies

    return seed_competencies()


def _seed_trainings_plan_library() -> int:
    from .demo_trainings import seed_library, seed_resources, seed_strategic_plan, seed_trainings

    return seed_trainings() + seed_strategic_plan() + seed_library() + seed_resources()


def seed_learning_demo() -> int:
    """Write the demo rows; returns how many were created."""
    created = 0
    # members, profiles, competency framework and assessments (sections 1 and 2)
    created += _seed_members()
    created += _seed_competencies()
    # trainings and people, the strategic plan, the library and resources (sections 3 to 6)
    created += _seed_trainings_plan_library()
    return created
