from django.apps import AppConfig


class BeneficiariesConfig(AppConfig):
    name = "nhandao.beneficiaries"
    verbose_name = "Đối tượng thụ hưởng"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from nhandao.audit.models import register_sensitive
        from nhandao.beneficiaries.models import Person

        # the audit log hides these values from users without the "sensitive" permission
        register_sensitive("beneficiaries.person", Person.SENSITIVE)
        register_sensitive(
            "beneficiaries.household", ["status", "certified_by", "certificate_no", "certified_on"]
        )
