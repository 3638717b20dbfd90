from django.apps import AppConfig


class CivilSocietyConfig(AppConfig):
    name = "elaos.civil_society"
    label = "civil_society"
    verbose_name = "Civil society"

    def ready(self) -> None:
        from elaos.civil_society.actions import (
            AMENDMENT_CODE,
            DISSOLUTION_CODE,
            SERVICE_CODE,
            association_errors,
            register,
            registration_errors,
        )
        from elaos.services.services import register_submission_check

        register()
        register_submission_check(SERVICE_CODE, registration_errors)
        register_submission_check(AMENDMENT_CODE, association_errors)
        register_submission_check(DISSOLUTION_CODE, association_errors)

        from elaos.civil_society.selectors import PROJECT_SUBJECT_TYPE
        from elaos.civil_society.services import PROJECT_DECISION_ACTION, on_project_decided
        from elaos.workflows.actions import register_action

        register_action(PROJECT_DECISION_ACTION, on_project_decided, subject_type=PROJECT_SUBJECT_TYPE)
