from django.urls import include, path

from gongzhi.regulation import views as regulation_views
from gongzhi.web import views as web_views

from .api import api

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("accounts/", include("gongzhi.people.urls")),
    path("territory/", include("gongzhi.territory.urls")),
    path("residents/", include("gongzhi.residents.urls")),
    path("jobs/", include("gongzhi.jobs.urls")),
    path("duties/", include("gongzhi.duties.urls")),
    path("consult/", include("gongzhi.consult.urls")),
    path("autonomy/", include("gongzhi.autonomy.urls")),
    path("appeals/", include("gongzhi.appeals.urls")),
    path("", include("gongzhi.ledger.urls")),
    path("compliance/", regulation_views.compliance, name="compliance"),
    path("workdays/", include("gongzhi.workdays.urls")),
    path("open311/", include("gongzhi.open311.urls")),
    path("api/v1/", api.urls),
]

handler403 = "gongzhi.web.views.forbidden"
handler404 = "gongzhi.web.views.not_found"
