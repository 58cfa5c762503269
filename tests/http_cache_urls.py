"""The site's URLs plus three pages that differ per visitor, for the caching tests (not
a test module): a form with a CSRF token, a page that sets a cookie, one that reads the
session."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from migration_governance.urls import urlpatterns as site_urlpatterns


def with_form(request):
    template = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')
    return HttpResponse(template.render({}, request))


def sets_cookie(request):
    response = HttpResponse("hello")
    response.set_cookie("seen", "1")
    return response


def reads_session(request):
    return HttpResponse(f"visits: {request.session.get('visits', 0)}")


urlpatterns = [
    path("test-only/with-form/", with_form),
    path("test-only/sets-cookie/", sets_cookie),
    path("test-only/reads-session/", reads_session),
    *site_urlpatterns,
]
