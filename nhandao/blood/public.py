"""The public pages of blood donation (no login): where to donate (upcoming drives by
province), a drive's page with its registration form, and the honour page of a province and
year (only people who consented to be named)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from nhandao.blood import actions, certificates, forms, selfservice
from nhandao.blood.models import (
    UPCOMING,
    Donor,
    Drive,
    DriveStatus,
    FamilyHonour,
    Honour,
    HonourStatus,
)
from nhandao.lib import ratelimit
from nhandao.lib.errors import Refused
from nhandao.lib.net import client_ip
from nhandao.lib.views import show_refused
from nhandao.orgs.models import AdminMap, AdminUnit

TOO_MANY = (
    "Có quá nhiều lượt đăng ký từ thiết bị này trong thời gian ngắn. Vui lòng thử lại sau "
    "{seconds} giây."
)


def _provinces():
    return AdminUnit.objects.filter(map=AdminMap.NEW, level="province").order_by("name")


def drives(request):
    today = timezone.localdate()
    upcoming = Drive.objects.filter(status__in=UPCOMING, held_on__gte=today).exclude(
        status=DriveStatus.PLANNED, held_on__gt=today + timezone.timedelta(days=60)
    )
    code = request.GET.get("tinh", "")
    if code:
        upcoming = upcoming.filter(commune__province__code=code)
    upcoming = upcoming.select_related("commune", "commune__province", "organisation")
    return render(request, "blood/public_drives.html", {
        "drives": upcoming.order_by("held_on", "starts_at")[:200],
        "provinces": _provinces(), "code": code, "today": today,
    })  # fmt: skip


def drive(request, code):
    found = (
        Drive.objects.filter(code=code)
        .exclude(status=DriveStatus.CANCELLED)
        .select_related("commune", "commune__province", "organisation")
        .first()
    )
    if found is None:
        raise Http404("Không có đợt hiến máu này.")
    form = forms.PublicRegistrationForm(request.POST or None)
    done = None
    status = 200
    wait = ratelimit.hit(request, "register") if request.method == "POST" else 0
    if wait:
        form = forms.PublicRegistrationForm()
        messages.error(request, TOO_MANY.format(seconds=wait))
        status = 429
    elif request.method == "POST":
        if form.is_valid():
            try:
                done = actions.register_publicly(found, **form.values())
            except Refused as exc:
                show_refused(request, exc, form)
                status = 422
        else:
            status = 422
    response = render(request, "blood/public_drive.html", {
        "drive": found, "form": form, "done": done,
        "open": found.status == DriveStatus.OPEN,
    }, status=status)  # fmt: skip
    if wait:
        response["Retry-After"] = str(wait)
    return response


def honour_page(request, province, year):
    unit = AdminUnit.objects.filter(map=AdminMap.NEW, level="province", code=province).first()
    if unit is None:
        raise Http404("Không có tỉnh/thành này.")
    honoured = (
        Honour.objects.filter(
            year=year,
            status=HonourStatus.AWARDED,  # a proposal is not yet an honour
            donor__individual__commune__province=unit,
            donor__individual__consent_publish=True,
        )  # fmt: skip
        .select_related("donor__individual", "threshold")
        .order_by("-donations", "donor__individual__name_key")
    )
    # a family's name names its members: shown only when every one of them consented
    families = (
        FamilyHonour.objects.filter(year=year, status=HonourStatus.AWARDED, family__province=unit)
        .exclude(family__members__individual__consent_publish=False)
        .select_related("family", "threshold")
        .order_by("-donations", "family__name_key")
    )
    return render(request, "blood/public_honours.html", {
        "province": unit, "year": year, "honoured": honoured, "families": families,
    })  # fmt: skip


def mine(request):
    """The donor's own page: phone → one-time code → history, next likely date, honours."""
    step = "phone"
    phone = request.POST.get("phone", "")
    donor = None
    status = 200
    signed_in = request.session.get(selfservice.SESSION_KEY)
    if request.method == "POST" and signed_in and request.POST.get("reminders") in ("0", "1"):
        # the donor's own choice about reminders (opting out is also an officer's action)
        donor = Donor.objects.filter(pk=signed_in).first()
        if donor is not None:
            wanted = request.POST["reminders"] == "1"
            (actions.opt_in if wanted else actions.opt_out)(None, donor)
            messages.success(request, "Bạn sẽ nhận lại lời nhắc hiến máu." if wanted
                             else "Bạn sẽ không nhận lời nhắc hiến máu nữa.")  # fmt: skip
        return redirect("public_blood_mine")
    if request.method == "POST":
        try:
            if request.POST.get("code"):
                donor = selfservice.check_code(phone, request.POST["code"])
                if donor is None:
                    raise Refused("Mã không đúng.", field="code")
                request.session.cycle_key()
                request.session[selfservice.SESSION_KEY] = donor.pk
                return redirect("public_blood_mine")
            selfservice.send_code(phone, client_ip(request))
            step = "code"
            messages.info(request, "Nếu số này là của một người hiến máu, mã đã được gửi.")
        except Refused as exc:
            show_refused(request, exc)
            step = "code" if exc.field == "code" else "phone"
            status = 422 if exc.field == "code" else 429 if "quá nhiều" in exc.message else 422
    elif request.session.get(selfservice.SESSION_KEY):
        donor = Donor.objects.filter(pk=request.session[selfservice.SESSION_KEY]).first()
    return render(request, "blood/public_mine.html", {
        "step": step, "phone": phone, "donor": donor,
        "donations": donor.donations.all() if donor else [],
        "honours": donor.honours.select_related("threshold") if donor else [],
    }, status=status)  # fmt: skip


def my_certificate(request, pk):
    """The donor's own certificate (after the one-time code): PDF, or Word with ?dinh-dang=docx."""
    donor_pk = request.session.get(selfservice.SESSION_KEY)
    honour = Honour.objects.filter(pk=pk, donor_id=donor_pk).select_related(
        "donor__individual", "threshold", "organisation").first() if donor_pk else None  # fmt: skip
    if honour is None:
        raise Http404("Không có giấy chứng nhận này.")
    return certificates.download(honour, request.GET.get("dinh-dang", ""))
