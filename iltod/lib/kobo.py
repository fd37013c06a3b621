"""Reading the JSON that KoBoToolbox's REST Service posts for one submission: the form's answers
by field name (with group prefixes, ``group/field``) next to KoBo's own keys (``_uuid``,
``meta/instanceID``, ``_submission_time``, ``_attachments``…).
"""


def submission_id(payload: dict) -> str:
    """KoBo's ``_uuid``, or the form's ``meta/instanceID`` without its ``uuid:`` prefix."""
    value = payload.get("_uuid") or payload.get("meta/instanceID") or payload.get("instanceID") or ""
    value = str(value).strip()
    return value.removeprefix("uuid:")


def fields(payload: dict) -> dict:
    """The form's answers by field name: group prefixes dropped, KoBo's own keys left out."""
    answers: dict = {}
    for key, value in payload.items():
        if key.startswith("_") or key.split("/", 1)[0] in {"meta", "formhub"}:
            continue
        answers.setdefault(key.rsplit("/", 1)[-1], value)
    return answers


def text(value) -> str:
    """An answer as stripped text (numbers as written, nothing for a missing answer)."""
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())
