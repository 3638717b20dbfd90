from django.urls import path

from elaos.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/email/", views.sign_in_email, name="sign_in_email"),
    path("sign-up/", views.sign_up, name="sign_up"),
    path("sign-up/email/", views.sign_up_email, name="sign_up_email"),
    path("code/", views.code, name="code"),
    path("code/resend/", views.code_resend, name="code_resend"),
    path("email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("profile/", views.profile, name="profile"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
