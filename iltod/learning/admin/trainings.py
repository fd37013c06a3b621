"""Back office of trainings and people. Changes that count (attendance, merges, scores,
certificates, follow-ups) go through the pages and their services; here staff read and correct
plain fields."""

from django.contrib import admin

from ..models.trainings import FollowUp, Participation, Person, Training, TrainingSession


class SessionInline(admin.TabularInline):
    model = TrainingSession
    extra = 0


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "organiser", "starts_on", "ends_on", "is_public"]
    list_filter = ["kind", "status", "is_public"]
    search_fields = ["title", "code"]
    date_hierarchy = "starts_on"
    raw_id_fields = ["organiser", "created_by"]
    filter_horizontal = ["competencies"]
    inlines = [SessionInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "code", "sex", "age_group", "stakeholder_type", "aimag", "first_trained_on"]
    list_filter = ["sex", "age_group", "stakeholder_type", "consents_to_sensitive"]
    search_fields = ["full_name", "code", "phone", "email"]
    raw_id_fields = ["organization", "merged_into"]
    readonly_fields = ["merged_into", "first_trained_on"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["person", "training", "held_on", "sessions_attended", "pre_score", "post_score", "certificate_code"]
    search_fields = ["person__full_name", "training__title", "certificate_code"]
    raw_id_fields = ["person", "training"]
    readonly_fields = ["sessions_attended", "certificate_code", "certificate_issued_on"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["participation", "answered_on", "applied", "changed_practice"]
    list_filter = ["applied", "changed_practice"]
    raw_id_fields = ["participation", "entered_by"]
