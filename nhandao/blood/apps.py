from django.apps import AppConfig
from django.db.models import Subquery
from django.db.models.signals import post_delete, post_save


def _rule_changed(sender, instance, **kwargs):
    """A donor's "likely eligible from" is stored (decision 0017); a changed interval rule
    must move it. Queued after commit, so the admin's save stays quick and a rolled-back
    edit moves nothing."""
    from nhandao.blood.tasks import refresh_dates_after_rule_change
    from nhandao.lib.tasks import enqueue_on_commit

    enqueue_on_commit(refresh_dates_after_rule_change, instance.kind)


def _person_saved(sender, instance, created, update_fields=None, **kwargs):
    """The donor's province follows the person's commune (Donor.province): one UPDATE,
    which touches no row when the person is not a donor or the province is the same."""
    if created or (update_fields is not None and "commune" not in update_fields):
        return
    from nhandao.blood.models import Donor
    from nhandao.orgs.models import AdminUnit

    province = AdminUnit.objects.filter(pk=instance.commune_id).values("province_id")[:1]
    Donor.objects.filter(individual_id=instance.pk).exclude(
        province_id__in=province.values("province_id")
    ).update(province_id=Subquery(province))


class BloodConfig(AppConfig):
    name = "nhandao.blood"
    verbose_name = "Hiến máu tình nguyện"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from nhandao.audit.models import register_personal
        from nhandao.blood.models import IntervalRule
        from nhandao.people.models import Individual

        # a donor's name is the individual's: kept out of the audit chain (decision 0025)
        register_personal("blood.donor", subject="individual")
        # a family's name is a member's ("Gia đình ông …")
        register_personal("blood.donorfamily", ("name",))

        post_save.connect(_rule_changed, sender=IntervalRule, dispatch_uid="blood_rule_saved")
        post_delete.connect(_rule_changed, sender=IntervalRule, dispatch_uid="blood_rule_deleted")
        post_save.connect(_person_saved, sender=Individual, dispatch_uid="blood_person_saved")
