"""Mounted at the site root. The provider's endpoints keep django-oauth-toolkit's URL names in its own
`oauth2_provider` namespace (its discovery document reverses them); e-Laos's pages are in `oidc`."""

from django.urls import include, path, re_path
from oauth2_provider import views as dot

from elaos.oidc import views
from elaos.oidc.govstack.api import api as govstack_api

provider_patterns = [
    path("o/authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("o/token/", views.TokenView.as_view(), name="token"),
    path("o/revoke_token/", dot.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/introspect/", dot.IntrospectTokenView.as_view(), name="introspect"),
    path("o/userinfo/", views.UserInfoView.as_view(), name="user-info"),
    path("o/logout/", views.LogoutView.as_view(), name="rp-initiated-logout"),
    path("o/jwks/", views.JwksView.as_view(), name="jwks-info"),
    re_path(
        r"^\.well-known/openid-configuration$",
        dot.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(
        ".well-known/oauth-authorization-server",
        dot.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
]

oidc_patterns = [
    path("backoffice/oidc/clients/", views.client_list, name="client_list"),
    path("backoffice/oidc/clients/new/", views.client_register, name="client_register"),
    path("backoffice/oidc/clients/<uuid:public_id>/", views.client_detail, name="client_detail"),
    path("backoffice/oidc/clients/<uuid:public_id>/secret/", views.client_secret_reset, name="client_secret_reset"),
    path("backoffice/oidc/clients/<uuid:public_id>/archive/", views.client_archive, name="client_archive"),
    path("accounts/national-id/", views.federation_login, name="federation_login"),
    path("accounts/national-id/callback/", views.federation_callback, name="federation_callback"),
]

urlpatterns = [
    path("", include((provider_patterns, "oauth2_provider"))),
    path("", include((oidc_patterns, "oidc"))),
    path("govstack/registration/", govstack_api.urls),
]
