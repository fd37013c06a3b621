"""Shared builders of the training tests."""

import datetime

from django.utils import timezone

from iltod.learning import services
from iltod.learning.services import PersonDetails


def make_training(personas, *, days_ago=10, length=2, **fields):
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    values = {
        "title": "Иргэний оролцооны онооны карт",
        "kind": "tool",
        "organiser": personas.network,
        "venue": "Цэцэрлэг",
        "aimag": personas.geo.aimag,
        "starts_on": start,
        "ends_on": start + datetime.timedelta(days=length - 1),
    }
    values.update(fields)
    return services.create_training(actor=personas.network_admin, **values)


def row(name, **extra) -> PersonDetails:
    return PersonDetails(full_name=name, **extra)


def attend(personas, training, *rows, session=0):
    session = training.sessions.order_by("held_on", "order")[session]
    return services.enter_sheet(session, list(rows), actor=personas.network_admin)
