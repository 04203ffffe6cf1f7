from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "nhandao.people"
    verbose_name = "Hội viên, tình nguyện viên, người hiến máu"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from nhandao.audit.models import register_personal, register_sensitive
        from nhandao.lib import deadlines
        from nhandao.orgs import datarequests
        from nhandao.people import privacy
        from nhandao.people.models import Individual

        # the audit log hides these values from users without the "sensitive" permission
        register_sensitive("people.individual", Individual.SENSITIVE)
        # kept out of the audit chain, erased with the person (decision 0025)
        register_personal("people.individual", [*Individual.SENSITIVE, "full_name"])
        # records whose name is the individual's: their events' names go with the individual
        for label, subject in [
            ("people.membership", "individual"),
            ("people.membershiptransfer", "membership.individual"),
            ("people.feeexemption", "membership.individual"),
            ("people.volunteer", "individual"),
            ("people.participant", "individual"),
            ("people.leadershippost", "individual"),
        ]:
            register_personal(label, subject=subject)
        # data-subject requests near their legal deadline: `nhandao deadlines`
        deadlines.register("people.data_requests", privacy.REQUESTS.due)
        # its records offered for linking requests filed on the public page
        datarequests.register(privacy.REQUESTS)
