"""The Onboarding Dashboard's action items, by key: the vocabulary that ties Support Center
articles to the dashboard (an article lists the keys of the items it helps with).

The dashboard (portal.dashboard) decides when each item is done; this module only names
them, so the support app's model, admin and seed data need nothing from the dashboard.
"""

from django.db import models


class ActionItem(models.TextChoices):
    MEMBERSHIP_AGREEMENT = "membership_agreement", "Sign your membership agreement"
    GENERAL_ONBOARDING = "general_onboarding", "Complete the General Onboarding form"
    INSURANCE_FORM = "insurance_form", "Complete the Insurance Form"
    STAFF_REVIEW = "staff_review", "Get your forms approved"
    SET_PASSWORD = "set_password", "Set your password"
    PAYOUTS = "payouts", "Set up your payouts account"
    WEBINAR = "webinar", "Watch the Insurance Webinar"
    QUIZ = "quiz", "Pass the Insurance Program quiz"
    PAYER_APPROVAL = "payer_approval", "Get approved by an insurance payer"
    DIRECTORY_PROFILE = "directory_profile", "Review your directory profile"
    ADD_CLIENT = "add_client", "Add a client to your roster"
