"""Commitments paid per period through the ledger; public consent of addresses (issue #22
item 4). monthly_amount becomes amount (per period; every = 1 month keeps its meaning)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_end(apps, schema_editor):
    """A commitment written before this migration ran `months` months, paid monthly:
    its end is the day before the same day `months` months later."""
    from nhandao.beneficiaries.commitments import end_of

    Sponsorship = apps.get_model("beneficiaries", "Sponsorship")
    for s in Sponsorship.objects.filter(end__isnull=True).only("pk", "start", "months"):
        Sponsorship.objects.filter(pk=s.pk).update(end=end_of(s.start, s.months or 1))


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0006_anchored_chain'),
        ('beneficiaries', '0007_personal_data_seed'),
        ('campaigns', '0004_status_history_on_the_pipeline_frame'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SponsorshipPayment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.DateField(verbose_name='kỳ (ngày đến hạn)')),
                ('paid_on', models.DateField(verbose_name='ngày trả')),
                ('amount', models.BigIntegerField(default=0, verbose_name='số tiền (đồng)')),
                ('goods', models.CharField(blank=True, max_length=200, verbose_name='hiện vật')),
                ('reason', models.CharField(blank=True, max_length=255, verbose_name='lý do (khi khác cam kết)')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'khoản trả theo cam kết',
                'verbose_name_plural': 'khoản trả theo cam kết',
                'ordering': ['period'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='sponsorship',
            name='sponsorship_amount_gte_0',
        ),
        migrations.RenameField(
            model_name='sponsorship',
            old_name='monthly_amount',
            new_name='amount',
        ),
        migrations.AddField(
            model_name='humanitarianaddress',
            name='public_consent',
            field=models.BooleanField(default=False, verbose_name='đồng ý công khai để tìm nhà đỡ đầu'),
        ),
        migrations.AddField(
            model_name='humanitarianaddress',
            name='public_summary',
            field=models.CharField(blank=True, max_length=255, verbose_name='mô tả công khai (không ghi tên, giấy tờ, bệnh tật)'),
        ),
        migrations.AlterField(
            model_name='sponsorship',
            name='amount',
            field=models.BigIntegerField(default=0, verbose_name='số tiền mỗi kỳ (đồng)'),
        ),
        migrations.AddField(
            model_name='sponsorship',
            name='campaign',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sponsorships', to='campaigns.campaign', verbose_name='chiến dịch (phong trào)'),
        ),
        migrations.AddField(
            model_name='sponsorship',
            name='end',
            field=models.DateField(null=True, verbose_name='đến ngày'),
        ),
        migrations.RunPython(fill_end, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='sponsorship',
            name='end',
            field=models.DateField(verbose_name='đến ngày'),
        ),
        migrations.AddField(
            model_name='sponsorship',
            name='every',
            field=models.PositiveSmallIntegerField(choices=[(1, 'Hằng tháng'), (3, 'Hằng quý'), (6, 'Mỗi nửa năm (học kỳ)'), (12, 'Hằng năm')], default=1, verbose_name='kỳ'),
        ),
        migrations.AlterField(
            model_name='sponsorship',
            name='goods',
            field=models.CharField(blank=True, max_length=200, verbose_name='hiện vật mỗi kỳ'),
        ),
        migrations.AddConstraint(
            model_name='sponsorship',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='sponsorship_amount_gte_0'),
        ),
        migrations.AddConstraint(
            model_name='sponsorship',
            constraint=models.CheckConstraint(condition=models.Q(('end__gte', models.F('start'))), name='sponsorship_end_after_start'),
        ),
        migrations.AddField(
            model_name='sponsorshippayment',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='sponsorshippayment',
            name='entry_in',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audit.ledgerentry'),
        ),
        migrations.AddField(
            model_name='sponsorshippayment',
            name='entry_out',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audit.ledgerentry'),
        ),
        migrations.AddField(
            model_name='sponsorshippayment',
            name='sponsorship',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='beneficiaries.sponsorship'),
        ),
        migrations.AddField(
            model_name='sponsorshippayment',
            name='support',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='sponsorship_payment', to='beneficiaries.supportrecord'),
        ),
        migrations.AddConstraint(
            model_name='sponsorshippayment',
            constraint=models.UniqueConstraint(fields=('sponsorship', 'period'), name='one_payment_per_sponsorship_period'),
        ),
        migrations.AddConstraint(
            model_name='sponsorshippayment',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='sponsorship_payment_amount_gte_0'),
        ),
    ]
