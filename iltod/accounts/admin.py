from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from iltod.core.admin_tools import ExportMixin

from .audit import AuditAction
from .capabilities import Capability
from .models import ApiKey, AuditEvent, Membership, User
from .services import log_event


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["organization"]
    fields = ["organization", "role", "title", "is_active", *Capability.values]


class IltodUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class IltodUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["email", "full_name", "phone"]


@admin.register(User)
class UserAdmin(ExportMixin, BaseUserAdmin):
    form = IltodUserChangeForm
    add_form = IltodUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "phone", "is_staff", "is_active", "last_login"]
    export_fields = ["email", "full_name", "phone", "language", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "full_name", "phone"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name", "phone", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "phone", "password1", "password2"]})]


@admin.register(Membership)
class MembershipAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["user", "organization", "role", "title", "is_active"]
    export_fields = ["user", "organization", "role", "title", "is_active", *Capability.values]
    list_filter = ["role", "is_active", *Capability.values, "organization__kind"]
    search_fields = ["user__email", "user__full_name", "organization__name_mn", "organization__name_en"]
    list_select_related = ["user", "organization"]
    raw_id_fields = ["user", "organization"]

    def save_model(self, request, obj, form, change):
        if not change and not any(getattr(obj, c) for c in Capability.values):
            obj.apply_role_defaults()
        super().save_model(request, obj, form, change)
        log_event(
            request.user,
            AuditAction.MEMBERSHIP_CHANGED if change else AuditAction.MEMBERSHIP_GRANTED,
            obj,
            request=request,
            changed=form.changed_data,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_repr", "is_sensitive_read", "ip_address"]
    export_fields = [
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "data",
        "is_sensitive_read",
        "ip_address",
    ]
    list_filter = ["is_sensitive_read", "action", "target_type"]
    search_fields = ["action", "target_repr", "target_id", "actor__email"]
    list_select_related = ["actor", "target_type"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=_("Revoke selected keys"))
def revoke_keys(modeladmin, request, queryset):
    from .services import revoke_api_key

    for key in queryset.filter(revoked_at__isnull=True):
        revoke_api_key(actor=request.user, api_key=key, request=request)


@admin.register(ApiKey)
class ApiKeyAdmin(ExportMixin, admin.ModelAdmin):
    """Keys are created by organisation administrators on the site (the secret is shown once)."""

    list_display = ["name", "organization", "scope", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "organization__name_mn", "organization__name_en"]
    list_select_related = ["organization"]
    readonly_fields = [
        "organization",
        "name",
        "scope",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["secret_hash"]
    actions = [*ExportMixin.actions, revoke_keys]

    def has_add_permission(self, request):
        return False


def _translate_otp_sections() -> None:
    """django-otp's admin pages, with their labels translated (see ``third_party``)."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .third_party import TranslatedOtpAdmin

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            base = type(admin.site.get_model_admin(model))
            admin.site.unregister(model)
            admin.site.register(model, type(base.__name__, (TranslatedOtpAdmin, base), {}))


_translate_otp_sections()
