from iltod.lib.kobo import fields, submission_id, text


def test_the_submission_id_is_the_uuid_or_the_instance_id_without_its_prefix():
    assert submission_id({"_uuid": " abc "}) == "abc"
    assert submission_id({"meta/instanceID": "uuid:def"}) == "def"
    assert submission_id({}) == ""


def test_fields_drop_group_prefixes_and_kobos_own_keys():
    payload = {"grp/score": "3", "_uuid": "x", "meta/instanceID": "uuid:x", "formhub/uuid": "y", "name": "A"}
    assert fields(payload) == {"score": "3", "name": "A"}


def test_answers_become_stripped_text():
    assert text("  a ") == "a"
    assert text(4) == "4"
    assert text(None) == ""
