from django.apps import AppConfig


class BeneficiariesConfig(AppConfig):
    name = "nhandao.beneficiaries"
    verbose_name = "Đối tượng thụ hưởng"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from nhandao.audit.models import register_personal, register_sensitive
        from nhandao.beneficiaries import privacy, review
        from nhandao.beneficiaries.models import MatchCandidate, Person
        from nhandao.lib import deadlines
        from nhandao.orgs import datarequests

        # a pair written or removed one by one: the cached counts of groups are stale
        post_save.connect(review.pair_changed, sender=MatchCandidate, dispatch_uid="dup-save")
        post_delete.connect(review.pair_changed, sender=MatchCandidate, dispatch_uid="dup-del")

        # the audit log hides these values from users without the "sensitive" permission
        register_sensitive("beneficiaries.person", Person.SENSITIVE)
        register_sensitive(
            "beneficiaries.household", ["status", "certified_by", "certificate_no", "certified_on"]
        )
        # kept out of the audit chain, erased with the person (decision 0025): the values
        # above, what else says who the person is, and the person's name (the event's record)
        register_personal(
            "beneficiaries.person",
            [*Person.SENSITIVE, "full_name", "birth_year", "address", "village", "external_id"],
        )
        # data-subject requests near their legal deadline: `nhandao deadlines`
        deadlines.register("beneficiaries.data_requests", privacy.REQUESTS.due)
        # its records offered for linking requests filed on the public page
        datarequests.register(privacy.REQUESTS)
