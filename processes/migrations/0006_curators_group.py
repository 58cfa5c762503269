"""The Curators group: what the people who keep the catalogue alive may do in the admin.

Curators add, change and view catalogue records. They delete only leaf records that nothing
else refers to (a participation, a claim, a document part, a state alias); a process, event
or document is taken off the public site by making it a draft, which keeps its history and
its links. States, regions and topics are reference data generated from ISO 3166, the UN
geoscheme and the IAMM, so curators view them only (aliases are theirs to edit). Curators
get nothing on users, groups or the admin log.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Curators"

PERMISSIONS = {
    "processes": {
        "source": ["add", "change", "view"],
        "citation": ["add", "change", "view"],
        "memberstate": ["view"],
        "statealias": ["add", "change", "delete", "view"],
        "topic": ["view"],
        "region": ["view"],
        "organization": ["add", "change", "view"],
        "process": ["add", "change", "view"],
        "processclaim": ["add", "change", "delete", "view"],
        "participation": ["add", "change", "delete", "view"],
    },
    "timeline": {
        "document": ["add", "change", "view"],
        "documentpart": ["add", "change", "delete", "view"],
        "documentclaim": ["add", "change", "delete", "view"],
        "event": ["add", "change", "view"],
        "eventclaim": ["add", "change", "delete", "view"],
    },
}


def create_curators(apps, schema_editor):
    # Permissions are normally created after migrate finishes; make sure they exist now,
    # so that the group gets them on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [
        Permission.objects.get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
        for app_label, models in PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    group.permissions.set(wanted)


def remove_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("processes", "0005_curation_workflow_and_history"),
        ("timeline", "0003_curation_workflow_and_history"),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]
