"""Emulation pages: the year's clusters, a cluster (its year, rounds), the criteria, a
round's scoreboard (and its workbook), a scorecard (marks at every stage, the moves), award
proposals, "Người tốt, việc thiện" nominations, and the public honour roll."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from nhandao.emulation import actions, forms, lookups, outputs, scoring
from nhandao.emulation.models import (
    AWARDS,
    NOMINATIONS,
    SCORECARDS,
    VERSIONS,
    AwardProposal,
    AwardStatus,
    CardStatus,
    Criterion,
    DonorHonourRule,
    Mark,
    Nomination,
    Stage,
    VersionStatus,
)
from nhandao.lib.downloads import DOCX, attachment
from nhandao.lib.errors import Refused
from nhandao.lib.exports import xlsx_response
from nhandao.lib.views import show_refused
from nhandao.orgs import access
from nhandao.orgs.lookups import clusters
from nhandao.orgs.models import EmulationCluster, Organisation


def _year(request) -> int:
    text = request.GET.get("nam", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year


def _version_form(user, data=None, year=None):
    owners = Organisation.objects.filter(access.reach_q(user, "edit"))
    return forms.VersionForm(data, owners=owners, initial={"year": year})


def _cluster_form(user, data=None, year=None):
    owners = Organisation.objects.filter(access.reach_q(user, "edit"))
    return forms.ClusterForm(data, owners=owners, initial={"year": year})


@login_required
def emulation_home(request, version_form=None, cluster_form=None, status=200):
    year = _year(request)
    mine = (
        clusters(request.user)
        .filter(year=year)
        .select_related("owner", "term")
        .prefetch_related("members", "rounds")
    )
    return render(
        request,
        "emulation/home.html",
        {
            "year": year,
            "clusters": mine,
            "versions": lookups.versions(request.user).filter(year__in=[year, year + 1]),
            "version_form": version_form
            or (
                _version_form(request.user, year=year)
                if access.can_anywhere(request.user, "edit")
                else None
            ),
            "cluster_form": cluster_form
            or (
                _cluster_form(request.user, year=year)
                if access.can_anywhere(request.user, "edit")
                else None
            ),
        },
        status=status,
    )


@login_required
@require_POST
def cluster_create(request):
    access.require_anywhere(request.user, "edit")
    form = _cluster_form(request.user, request.POST)
    if form.is_valid():
        try:
            cluster = actions.create_cluster(request.user, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, f"Đã lập {cluster.name}.")
            return redirect("emulation_cluster", pk=cluster.pk)
    return emulation_home(request, cluster_form=form, status=422)


def _cluster_page(
    request,
    cluster,
    term_form=None,
    round_form=None,
    member_form=None,
    next_form=None,
    status=200,
):
    can_edit = access.can(request.user, "edit", cluster.owner)
    term = getattr(cluster, "term", None)
    if term_form is None and can_edit:
        initial = {}
        if term:
            initial = {
                "chair": term.chair,
                "vice_chair": term.vice_chair,
                "midyear_host": term.midyear_host,
                "yearend_host": term.yearend_host,
                "next_host": term.next_host,
                "pledge_signatories": term.pledge_signatories,
                "handed_over_on": term.handed_over_on.strftime("%d/%m/%Y")
                if term.handed_over_on
                else "",
                "pledge_date": term.pledge_date.strftime("%d/%m/%Y") if term.pledge_date else "",
            }
        term_form = forms.TermForm(cluster=cluster, initial=initial)
    versions = (
        lookups.versions(request.user).filter(year=cluster.year).exclude(status=VersionStatus.DRAFT)
    )
    return render(
        request,
        "emulation/cluster.html",
        {
            "cluster": cluster,
            "term": term,
            "members": cluster.members.order_by("name"),
            "rounds": cluster.rounds.select_related("version"),
            "term_form": term_form if can_edit else None,
            "member_form": (member_form or forms.MemberForm(cluster=cluster))
            if can_edit and not cluster.rounds.exists()
            else None,
            "next_form": (next_form or forms.NextYearForm()) if can_edit else None,
            "next_cluster": EmulationCluster.objects.filter(
                owner=cluster.owner_id, year=cluster.year + 1, number=cluster.number
            ).first(),
            "round_form": (round_form or forms.RoundForm()) if can_edit and versions else None,
            "versions": versions,
        },
        status=status,
    )


@login_required
def cluster_detail(request, pk):
    return _cluster_page(request, lookups.get_cluster(request.user, pk))


@login_required
@require_POST
def cluster_save(request, pk):
    cluster = lookups.get_cluster(request.user, pk, "edit")
    form = forms.TermForm(request.POST, request.FILES, cluster=cluster)
    if form.is_valid():
        try:
            actions.save_term(request.user, cluster, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã lưu thông tin cụm.")
            return redirect("emulation_cluster", pk=cluster.pk)
    return _cluster_page(request, cluster, term_form=form, status=422)


@login_required
@require_POST
def cluster_add_member(request, pk):
    cluster = lookups.get_cluster(request.user, pk, "edit")
    form = forms.MemberForm(request.POST, cluster=cluster)
    if form.is_valid():
        org = form.cleaned_data["organisation"]
        try:
            actions.add_member(request.user, cluster, org)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, f"Đã thêm {org.name} vào cụm.")
            return redirect("emulation_cluster", pk=cluster.pk)
    return _cluster_page(request, cluster, member_form=form, status=422)


@login_required
@require_POST
def cluster_remove_member(request, pk, org):
    cluster = lookups.get_cluster(request.user, pk, "edit")
    member = access.get_within(cluster.members.all(), org, "Không tìm thấy đơn vị trong cụm.")
    try:
        actions.remove_member(request.user, cluster, member)
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Đã bỏ {member.name} khỏi cụm.")
    return redirect("emulation_cluster", pk=cluster.pk)


@login_required
@require_POST
def cluster_next_year(request, pk):
    cluster = lookups.get_cluster(request.user, pk, "edit")
    form = forms.NextYearForm(request.POST)
    if form.is_valid():
        try:
            new = actions.next_year_cluster(
                request.user, cluster, form.cleaned_data["handed_over_on"]
            )
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, f"Đã lập {new.name} năm {new.year}, bàn giao đăng cai.")
            return redirect("emulation_cluster", pk=new.pk)
    return _cluster_page(request, cluster, next_form=form, status=422)


@login_required
@require_POST
def round_open(request, pk):
    cluster = lookups.get_cluster(request.user, pk, "edit")
    form = forms.RoundForm(request.POST)
    version = (
        lookups.versions(request.user)
        .filter(year=cluster.year)
        .exclude(status=VersionStatus.DRAFT)
        .first()
    )
    if form.is_valid():
        try:
            if version is None:
                raise Refused(f"Chưa có bộ tiêu chí năm {cluster.year} được công bố.")
            rnd = actions.open_round(
                request.user,
                cluster,
                version,
                form.cleaned_data["kind"],
                form.cleaned_data["self_deadline"],
            )
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã mở đợt chấm; bộ tiêu chí đã khóa.")
            return redirect("emulation_round", pk=rnd.pk)
    return _cluster_page(request, cluster, round_form=form, status=422)


# --- criteria -------------------------------------------------------------------------------


def _version_page(request, version, form=None, section_form=None, status=200):
    can_edit = version.status == VersionStatus.DRAFT and access.can(
        request.user, "edit", version.owner
    )
    sections = version.sections.prefetch_related("criteria")
    moves = VERSIONS.moves_for(
        version, can=lambda perm: access.can(request.user, perm, version.owner)
    )
    return render(
        request,
        "emulation/version.html",
        {
            "version": version,
            "sections": sections,
            "moves": [m for m in moves if m.target != "frozen"],
            "form": (form or forms.CriterionForm(version=version)) if can_edit else None,
            "section_form": (section_form or forms.SectionForm()) if can_edit else None,
            "history": version.history.select_related("actor"),
        },
        status=status,
    )


@login_required
@require_POST
def version_create(request):
    access.require_anywhere(request.user, "edit")
    form = _version_form(request.user, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            version = actions.create_version(request.user, d["owner"], d["year"], d["name"])
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            return redirect("emulation_version", pk=version.pk)
    return emulation_home(request, version_form=form, status=422)


@login_required
@require_POST
def version_add_section(request, pk):
    version = lookups.get_version(request.user, pk, "edit")
    form = forms.SectionForm(request.POST)
    if form.is_valid():
        try:
            actions.add_section(
                request.user, version, form.cleaned_data["number"], form.cleaned_data["title"]
            )
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã thêm phần.")
            return redirect("emulation_version", pk=version.pk)
    return _version_page(request, version, section_form=form, status=422)


@login_required
def version_detail(request, pk):
    return _version_page(request, lookups.get_version(request.user, pk))


@login_required
@require_POST
def version_add(request, pk):
    version = lookups.get_version(request.user, pk, "edit")
    form = forms.CriterionForm(request.POST, version=version)
    if form.is_valid():
        data = dict(form.cleaned_data)
        section = data.pop("section")
        data["target"] = data.pop("full_at")
        try:
            actions.add_criterion(
                request.user,
                section,
                data.pop("number"),
                data.pop("name"),
                data.pop("max_score"),
                **data,
            )
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã thêm tiêu chí.")
            return redirect("emulation_version", pk=version.pk)
    return _version_page(request, version, form=form, status=422)


@login_required
@require_POST
def version_move(request, pk, target):
    version = lookups.get_version(request.user, pk)
    try:
        if target == "next-year":
            access.require(request.user, "edit", version.owner)
            new = actions.copy_version(request.user, version, version.year + 1)
            return redirect("emulation_version", pk=new.pk)
        actions.move_version(request.user, version, target, request.POST.get("note", ""))
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Bộ tiêu chí: {VERSIONS.label(target)}.")
    return redirect("emulation_version", pk=version.pk)


# --- rounds and scorecards ------------------------------------------------------------------


@login_required
def round_detail(request, pk):
    rnd = lookups.get_round(request.user, pk)
    ranked = actions.ranking(rnd)
    sections = list(rnd.version.sections.values_list("code", flat=True))
    rows = [
        {"r": r, "sections": [scoring.shown(r.sections.get(s)) for s in sections]} for r in ranked
    ]
    improved = scoring.most_improved(ranked)
    flag = ranked[0] if ranked and rnd.kind == "yearend" and ranked[0].rank == 1 else None
    return render(
        request,
        "emulation/round.html",
        {
            "round": rnd,
            "rows": rows,
            "sections": sections,
            "improved": improved,
            "flag": flag,
            "all_locked": ranked and all(r.status == CardStatus.LOCKED for r in ranked),
        },
    )


@login_required
def round_download(request, pk):
    rnd = lookups.get_round(request.user, pk)
    return xlsx_response(outputs.round_basename(rnd) + ".xlsx", outputs.round_sheets(rnd))


def _card_page(request, card, mark_form=None, status=200):
    user = request.user
    stage = actions.stage_for(user, card)
    criteria = Criterion.objects.filter(section__version=card.round.version).select_related(
        "section"
    )
    applicable = [c for c in criteria if c.applies_to(card.organisation)]
    marks = list(
        Mark.objects.filter(scorecard=card).select_related("by", "by_org").order_by("at", "pk")
    )
    lines = []
    for c in criteria:
        mine = [m for m in marks if m.criterion_id == c.pk]
        latest = {s: next((m for m in reversed(mine) if m.stage == s), None) for s in Stage.values}
        lines.append({"c": c, "applies": c in applicable, "latest": latest, "marks": mine})
    if mark_form is None and stage:
        mark_form = forms.MarkForm(
            criteria=Criterion.objects.filter(pk__in=[c.pk for c in applicable])
        )
    result = actions.recompute(card)
    return render(
        request,
        "emulation/scorecard.html",
        {
            "card": card,
            "lines": lines,
            "stage": stage,
            "stage_label": Stage(stage).label if stage else "",
            "mark_form": mark_form if stage else None,
            "moves": actions.moves_for(user, card),
            "result": result,
            "shown": scoring.shown,
            "can_fill": card.status == CardStatus.SELF
            and access.can(user, "edit", card.organisation)
            and any(c.formula for c in applicable),
            "history": card.history.select_related("actor"),
            "note_form": forms.NoteForm(),
        },
        status=status,
    )


@login_required
def scorecard_detail(request, pk):
    return _card_page(request, lookups.get_scorecard(request.user, pk))


@login_required
@require_POST
def scorecard_mark(request, pk):
    card = lookups.get_scorecard(request.user, pk)
    stage = actions.stage_for(request.user, card)
    if not stage:
        raise PermissionDenied("Bạn không chấm được bảng điểm này ở bước hiện tại.")
    criteria = Criterion.objects.filter(section__version=card.round.version)
    form = forms.MarkForm(request.POST, request.FILES, criteria=criteria)
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.mark(
                request.user,
                card,
                d["criterion"],
                stage,
                d["score"],
                reason=d["reason"],
                evidence=d["evidence"],
                evidence_file=d["evidence_file"],
            )
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, f"Đã ghi điểm tiêu chí {d['criterion'].code}.")
            return redirect("emulation_scorecard", pk=card.pk)
    return _card_page(request, card, mark_form=form, status=422)


@login_required
@require_POST
def scorecard_fill(request, pk):
    card = lookups.get_scorecard(request.user, pk, "edit")
    try:
        done = actions.fill_from_reports(request.user, card)
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(
            request, "Đã tính từ báo cáo: " + ("; ".join(done) or "không có tiêu chí nào.")
        )
    return redirect("emulation_scorecard", pk=card.pk)


@login_required
@require_POST
def scorecard_move(request, pk, target):
    card = lookups.get_scorecard(request.user, pk)
    try:
        actions.move_scorecard(request.user, card, target, request.POST.get("note", ""))
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Bảng điểm: {SCORECARDS.label(target)}.")
    return redirect("emulation_scorecard", pk=card.pk)


# --- awards ---------------------------------------------------------------------------------


def _proposal_form(user, data=None):
    editable = Organisation.objects.filter(access.reach_q(user, "edit"))
    grantors = Organisation.objects.filter(
        access.reach_q(user, "edit") | access.above_q(user, "edit")
    )
    return forms.ProposalForm(
        data,
        proposers=editable,
        grantors=grantors,
        recipients=editable,
        initial={"year": timezone.localdate().year},
    )


@login_required
def award_list(request):
    proposals = AwardProposal.objects.for_user(request.user).select_related(
        "proposer", "grantor", "recipient_org", "recipient_person"
    )[:200]
    can_propose = access.can_anywhere(request.user, "edit")
    return render(
        request,
        "emulation/awards.html",
        {
            "proposals": proposals,
            "form": _proposal_form(request.user) if can_propose else None,
        },
    )


@login_required
@require_POST
def award_propose(request):
    access.require_anywhere(request.user, "edit")
    form = _proposal_form(request.user, request.POST)
    if form.is_valid():
        try:
            proposal = actions.propose_award(request.user, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã gửi đề nghị khen thưởng.")
            return redirect("emulation_award", pk=proposal.pk)
    proposals = AwardProposal.objects.for_user(request.user)[:200]
    return render(
        request, "emulation/awards.html", {"proposals": proposals, "form": form}, status=422
    )


@login_required
def award_detail(request, pk):
    proposal = lookups.get_award(request.user, pk)
    return render(
        request,
        "emulation/award.html",
        {
            "p": proposal,
            "moves": actions.award_moves(request.user, proposal),
            "note_form": forms.NoteForm(),
            "history": proposal.history.select_related("actor"),
        },
    )


@login_required
@require_POST
def award_move(request, pk, target):
    proposal = lookups.get_award(request.user, pk)
    note = forms.NoteForm(request.POST)
    note.is_valid()
    try:
        actions.decide_award(
            request.user,
            proposal,
            target,
            note.cleaned_data.get("note", ""),
            note.cleaned_data.get("decision_number", ""),
        )
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Đề nghị khen thưởng: {AWARDS.label(target)}.")
    return redirect("emulation_award", pk=proposal.pk)


@login_required
def award_decision(request, pk):
    proposal = lookups.get_award(request.user, pk)
    if proposal.status != "granted":
        messages.error(request, "Chỉ lập quyết định cho đề nghị đã được khen thưởng.")
        return redirect("emulation_award", pk=proposal.pk)
    return attachment(
        outputs.decision_docx(proposal), f"quyet-dinh-khen-thuong-{proposal.pk}.docx", DOCX
    )


@login_required
def award_certificate(request, pk):
    proposal = lookups.get_award(request.user, pk)
    if proposal.status != AwardStatus.GRANTED:
        messages.error(request, "Chỉ in được cho đề nghị đã được quyết định khen thưởng.")
        return redirect("emulation_award", pk=proposal.pk)
    url = request.build_absolute_uri(
        reverse("portal_award_verify", args=[outputs.certificate_token(proposal)])
    )
    return attachment(
        outputs.certificate_docx(proposal, url), f"khen-thuong-{proposal.pk}.docx", DOCX
    )


@require_GET
def award_verify(request, token):
    """Public, from the certificate's QR code: the award, the recipient, the granting body,
    the decision; a revoked award says so. Anything never granted is not found."""
    try:
        proposal = AwardProposal.objects.select_related(
            "grantor", "recipient_org", "recipient_person"
        ).get(
            pk=outputs.read_certificate_token(token),
            status__in=[AwardStatus.GRANTED, AwardStatus.REVOKED],
        )
    except (signing.BadSignature, AwardProposal.DoesNotExist):
        raise Http404("Giấy khen không hợp lệ.") from None
    revoked = None
    if proposal.status == AwardStatus.REVOKED:
        revoked = proposal.history.filter(to_status=AwardStatus.REVOKED).order_by("-at").first()
    return render(
        request,
        "emulation/award_verify.html",
        {
            "p": proposal,
            "valid": proposal.status == AwardStatus.GRANTED,
            "revoked_at": revoked.at if revoked else None,
        },
    )


# --- donors honoured by thresholds ------------------------------------------------------------


def _donor_rule_form(user, data=None, year=None):
    owners = Organisation.objects.filter(access.reach_q(user, "edit"))
    return forms.DonorRuleForm(data, owners=owners, initial={"year": year})


@login_required
def donor_rules(request, form=None, status=200):
    """The thresholds of the organisations within reach for a year, each with the donors who
    reach it (also those who did not agree to be published: marked so)."""
    year = _year(request) if form is None else form.cleaned_data.get("year") or _year(request)
    groups = actions.donor_honour_groups(lookups.donor_rules(request.user), year)
    can = access.can_anywhere(request.user, "edit")
    return render(
        request,
        "emulation/donor_rules.html",
        {
            "year": year,
            "groups": groups,
            "form": form or (_donor_rule_form(request.user, year=year) if can else None),
        },
        status=status,
    )


@login_required
@require_POST
def donor_rule_create(request):
    access.require_anywhere(request.user, "edit")
    form = _donor_rule_form(request.user, request.POST)
    if form.is_valid():
        try:
            rule = actions.create_donor_rule(request.user, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, f"Đã lập ngưỡng “{rule.title}”.")
            return redirect(f"{reverse('emulation_donor_rules')}?nam={rule.year}")
    return donor_rules(request, form=form, status=422)


# --- "Người tốt, việc thiện" ----------------------------------------------------------------


def _nomination_form(user, data=None):
    nominators = Organisation.objects.filter(access.reach_q(user, "edit"))
    return forms.NominationForm(
        data, nominators=nominators, initial={"year": timezone.localdate().year}
    )


@login_required
def nomination_list(request):
    nominations = Nomination.objects.for_user(request.user).select_related("nominator")[:300]
    rows = [(n, actions.nomination_moves(request.user, n)) for n in nominations]
    can = access.can_anywhere(request.user, "edit")
    return render(
        request,
        "emulation/nominations.html",
        {
            "rows": rows,
            "form": _nomination_form(request.user) if can else None,
            "note_form": forms.NoteForm(),
        },
    )


@login_required
@require_POST
def nomination_create(request):
    access.require_anywhere(request.user, "edit")
    form = _nomination_form(request.user, request.POST)
    if form.is_valid():
        try:
            actions.nominate(request.user, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã gửi đề cử.")
            return redirect("emulation_nominations")
    nominations = Nomination.objects.for_user(request.user)[:300]
    rows = [(n, actions.nomination_moves(request.user, n)) for n in nominations]
    return render(
        request,
        "emulation/nominations.html",
        {"rows": rows, "form": form, "note_form": forms.NoteForm()},
        status=422,
    )


@login_required
@require_POST
def nomination_move(request, pk, target):
    nomination = lookups.get_nomination(request.user, pk)
    try:
        actions.review_nomination(request.user, nomination, target, request.POST.get("note", ""))
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Đề cử: {NOMINATIONS.label(target)}.")
    return redirect("emulation_nominations")


@require_GET
def public_honours(request):
    """The portal's honour roll: honoured nominations whose person agreed to be published,
    by year and province."""
    year = _year(request)
    honoured = (
        Nomination.objects.public()
        .filter(year=year)
        .select_related("province", "nominator")
        .order_by("province__name", "name")
    )
    owners = Organisation.objects.filter(
        pk__in=DonorHonourRule.objects.filter(year=year).values("owner")
    ).order_by("path")
    donors = [
        {"owner": owner, "donors": found}
        for owner in owners
        if (found := actions.donor_honours(owner, year, public=True))
    ]
    return render(
        request,
        "emulation/public_honours.html",
        {"year": year, "honoured": honoured, "donor_groups": donors},
    )


@require_GET
def public_honour(request, pk):
    return render(request, "emulation/public_honour.html", {"n": lookups.public_nomination(pk)})
