"""Public pages of the processes app."""

from django.views.generic import TemplateView

from processes.models import Category, MemberState, Organization, Participation, Process
from timeline.models import Document, Event


class HomeView(TemplateView):
    """What the catalogue is, how much it holds, and where to start."""

    template_name = "processes/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = [
            ("Processes", Process.objects.count()),
            ("States and territories", MemberState.objects.count()),
            ("Organizations", Organization.objects.count()),
            ("Participations", Participation.objects.count()),
            ("Events", Event.objects.count()),
            ("Documents", Document.objects.count()),
        ]
        context["categories"] = Category.choices
        return context
