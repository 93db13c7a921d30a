"""Account URLs: the portal's own pages, its replacements for allauth's reset-code steps (same paths and names,
listed first so they win), then everything allauth provides (sign-in, sign-up, e-mail, password, 2FA, sessions)."""

from django.urls import include, path

from newsreel.accounts import views

portal_patterns = (
    [
        path("profile/", views.profile_view, name="profile"),
        path("delete/", views.delete_account_view, name="delete"),
        path("terms/", views.terms_text, name="terms_text"),
        path("terms/accept/", views.accept_terms_view, name="terms"),
    ],
    "accounts",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("password/reset/confirm/", views.ConfirmResetCodeView.as_view(),
         name="account_confirm_password_reset_code"),
    path("password/reset/confirm/resend/", views.resend_reset_code, name="account_resend_password_reset_code"),
    path("password/reset/complete/", views.CompleteResetView.as_view(), name="account_complete_password_reset"),
    path("password/reset/done/", views.reset_completed, name="account_password_reset_completed"),
    path("", include("allauth.urls")),
]
