"""Django admin for curators: states, organizations, processes and who takes part."""

from django.contrib import admin

from processes.models import (
    Citation,
    MemberState,
    Organization,
    Participation,
    Process,
    ProcessClaim,
    Source,
    StateAlias,
    Topic,
)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["file_name", "title", "published"]
    search_fields = ["file_name", "title"]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["source", "locator"]
    list_filter = ["source"]
    search_fields = ["locator", "source__file_name"]
    autocomplete_fields = ["source"]


class StateAliasInline(admin.TabularInline):
    model = StateAlias
    extra = 0


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ["name", "iso3", "iso2", "m49", "region", "sub_region", "kind"]
    list_filter = ["kind", "region", "sub_region"]
    search_fields = ["name", "official_name", "iso3", "iso2", "aliases__name"]
    inlines = [StateAliasInline]


@admin.register(StateAlias)
class StateAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "state"]
    search_fields = ["name", "state__name", "state__iso3"]
    autocomplete_fields = ["state"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["acronym"]}
    autocomplete_fields = ["parent", "citations"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["name", "heading"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["role", "state", "organization", "as_of", "start_date", "end_date", "note"]
    autocomplete_fields = ["state", "organization"]
    ordering = ["role", "state__name", "organization__name"]


class ProcessClaimInline(admin.TabularInline):
    model = ProcessClaim
    extra = 0
    autocomplete_fields = ["citation"]


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "category", "scope", "status", "year_established"]
    list_filter = ["category", "scope", "status", "regions", "topics"]
    search_fields = ["name", "short_name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["topics", "parent", "citations"]
    filter_horizontal = ["regions"]
    inlines = [ParticipationInline, ProcessClaimInline]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["process", "state", "organization", "role", "as_of"]
    list_filter = ["role", "process__category", "as_of"]
    search_fields = ["process__name", "process__short_name", "state__name", "organization__name"]
    autocomplete_fields = ["process", "state", "organization", "citations"]
    list_select_related = ["process", "state", "organization"]
