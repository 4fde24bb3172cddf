from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from msg_project.views import healthz
from posts import views as post_views
from users import views as user_views

urlpatterns = [
    path("", post_views.home, name="home"),
    path("compose/", post_views.post_create, name="post_create"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("@<str:username>/", user_views.profile, name="profile"),
    path("@<str:username>/<int:pk>/", post_views.post_detail, name="post_detail"),
    path("@<str:username>/<int:pk>/edit/", post_views.post_edit, name="post_edit"),
    path("@<str:username>/<int:pk>/delete/", post_views.post_delete, name="post_delete"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
