"""Which organisations a user may name as a group's convener or a project's owner: one access
helper, used by the group and project forms."""

from iltod.engagement.forms.groups import GroupForm, ProjectForm
from iltod.engagement.permissions import coordinating_organizations


def test_a_coordinator_may_name_only_the_organisations_where_they_coordinate_groups(personas):
    assert list(coordinating_organizations(personas.coordinator)) == [personas.cso]
    assert not coordinating_organizations(personas.officer).exists()


def test_a_superuser_may_name_every_active_organisation(personas):
    personas.network.is_active = False
    personas.network.save(update_fields=["is_active"])
    names = set(coordinating_organizations(personas.admin))
    assert personas.ministry in names and personas.cso in names
    assert personas.network not in names


def test_the_organisation_a_group_already_names_stays_while_it_is_active(personas):
    kept = coordinating_organizations(personas.coordinator, keep=personas.ministry.pk)
    assert set(kept) == {personas.cso, personas.ministry}
    personas.ministry.is_active = False
    personas.ministry.save(update_fields=["is_active"])
    assert list(coordinating_organizations(personas.coordinator, keep=personas.ministry.pk)) == [personas.cso]


def test_the_group_and_project_forms_offer_what_the_helper_allows(personas):
    group_form = GroupForm(user=personas.coordinator)
    assert list(group_form.fields["convening_organization"].queryset) == [personas.cso]
    project_form = ProjectForm(user=personas.coordinator)
    assert list(project_form.fields["organization"].queryset) == [personas.cso]
