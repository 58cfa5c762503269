"""The data package's pages: /data/ (what the package holds, with its checksums) and each
of its files."""

from django.http import FileResponse, Http404
from django.utils.dateparse import parse_datetime
from django.views import View
from django.views.generic import TemplateView

from processes import datapackage

# --- the data package --------------------------------------------------------------------


class DataPackageView(TemplateView):
    """/data/: the whole catalogue in one download, what it holds and how to check it."""

    template_name = "processes/data.html"
    # Writes the data package when the catalogue has changed: under an export's time
    # bound, not a page's (migration_governance/middleware.py).
    export = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        directory, package = datapackage.served_package(self.request)
        context["package"] = package
        context["resources"] = [
            {**resource, "sha256": resource["hash"].removeprefix("sha256:")}
            for resource in package["resources"]
        ]
        context["zip"] = datapackage.file_facts(directory / datapackage.ZIP_NAME)
        context["zip_name"] = datapackage.ZIP_NAME
        context["changed_at"] = parse_datetime(package.get("created", ""))
        return context


class DataFileView(View):
    """/data/datapackage.json, /data/<table>.csv and the zip: the files of the package
    built for the catalogue's current version, byte for byte what the descriptor says."""

    export = True  # as DataPackageView

    types = {".json": "application/json", ".csv": "text/csv; charset=utf-8"}

    def get(self, request, name):
        names = {datapackage.DESCRIPTOR, datapackage.ZIP_NAME}
        names.update(table.path for table in datapackage.tables())
        if name not in names:
            raise Http404("No such file in the data package.")
        directory, _package = datapackage.served_package(request)
        if name == datapackage.ZIP_NAME:
            return FileResponse(
                open(directory / name, "rb"),  # FileResponse closes it
                as_attachment=True,
                filename=name,
                content_type="application/zip",
            )
        return FileResponse(
            open(directory / name, "rb"),  # FileResponse closes it
            content_type=self.types[name[name.rindex(".") :]],
        )
