from django.contrib import admin

from elaos.workflows.models import PublicHoliday, WorkflowDefinition, WorkflowInstance


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name_lo", "name_en", "created_at"]
    readonly_fields = ["code", "version", "definition", "created_at"]


@admin.register(WorkflowInstance)
class WorkflowInstanceAdmin(admin.ModelAdmin):
    list_display = ["subject_type", "subject_id", "state", "office", "assigned_to", "due_at", "sla_breached_at"]
    list_filter = ["state", "is_terminal"]
    readonly_fields = [f.name for f in WorkflowInstance._meta.fields]


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name_lo", "name_en"]
