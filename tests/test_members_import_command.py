"""Member and volunteer lists by command (`nhandao import_members` / `import_volunteers`)
and by API (/api/people/imports…), through the same frame as the upload pages: checked,
then committed, all or nothing; the same file again answered by the earlier import; the
output docs/howto.md documents. A volunteer already present who is named with a team joins
that team (not refused, not duplicated)."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nhandao.people import actions as people
from nhandao.people import volunteers as vol
from nhandao.people.models import ListKind, MemberImport, Membership, Volunteer
from tests.test_members_import import MEMBER_HEADER, VOLUNTEER_HEADER, csv_bytes

MEMBERS = [
    ["Nguyễn Thị Lan", "12/03/1980", "Nữ", "0912000001", "", "01/02/2026", "Hội viên", ""],
    ["Trần Văn Nam", "05/06/2004", "Nam", "", "", "01/02/2026", "Hội viên thanh thiếu niên", ""],
]  # fmt: skip


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, header, rows, name="ds.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(header, rows))
    return str(path)


def test_import_members_checks_commits_and_answers_the_same_file_again(cast, tmp_path, tasks):
    path = write(tmp_path, MEMBER_HEADER, MEMBERS)
    out, _ = run("import_members", path, "--org", "CTD-X4", "--dry-run")
    imp = MemberImport.objects.get()
    assert out.strip() == (f"Đã kiểm tra 2 dòng: sẽ nhập 2 hội viên (2 hồ sơ mới); 0 người đã "
                           f"có. Chưa ghi gì; xác nhận tại /nhap-danh-sach/{imp.pk}/.")  # fmt: skip
    assert imp.status == "previewed" and not Membership.objects.exists()
    imp.status = "cancelled"  # dropped on its page; the same file may be sent again
    imp.save(update_fields=["status"])
    out, _ = run("import_members", path, "--org", "CTD-X4")
    assert out.strip() == ("Đã nhập 2 hội viên (2 hồ sơ mới); 0 người đã có, bỏ qua; 0 người có "
                           "thể trùng (đã báo, không tự gộp).")  # fmt: skip
    assert sorted(Membership.objects.values_list("kind", flat=True)) == ["member", "youth"]
    assert set(Membership.objects.values_list("organisation__code", flat=True)) == {"CTD-X4"}
    out, _ = run("import_members", path, "--org", "CTD-X4")
    assert out.startswith("Tệp này (cùng nội dung với “ds.csv”) đã được nhập lúc")
    assert out.strip().endswith("không nhập lại, không thêm dòng nào.")
    # the same rows in another file (one more): the two already members are skipped
    rows = [*MEMBERS, ["Lê Văn Hùng", "", "", "", "", "03/02/2026", "Hội viên", ""]]
    out, _ = run("import_members", write(tmp_path, MEMBER_HEADER, rows, "lan-2.csv"),
                 "--org", "CTD-X4")  # fmt: skip
    assert out.strip() == ("Đã nhập 1 hội viên (1 hồ sơ mới); 2 người đã có, bỏ qua; 0 người có "
                           "thể trùng (đã báo, không tự gộp).")  # fmt: skip
    assert Membership.objects.count() == 3


def test_a_dry_run_then_the_same_command_without_it_imports_the_checked_list(cast, tmp_path, tasks):
    """Check, then import: the list the dry run left previewed is committed, not answered as
    a repeat (the howto's two steps)."""
    path = write(tmp_path, MEMBER_HEADER, MEMBERS)
    run("import_members", path, "--org", "CTD-X4", "--dry-run")
    run("import_members", path, "--org", "CTD-X4", "--dry-run")  # again: still only checked
    assert not Membership.objects.exists()
    out, _ = run("import_members", path, "--org", "CTD-X4")
    assert out.strip() == ("Đã nhập 2 hội viên (2 hồ sơ mới); 0 người đã có, bỏ qua; 0 người có "
                           "thể trùng (đã báo, không tự gộp).")  # fmt: skip
    assert MemberImport.objects.get().status == "done" and Membership.objects.count() == 2


def test_import_members_refuses_a_bad_row_and_writes_nothing(cast, tmp_path, tasks):
    rows = [MEMBERS[0], ["Quá Tuổi", "01/01/1980", "", "", "", "01/02/2026",
                         "Hội viên thanh thiếu niên", ""]]  # fmt: skip
    err = io.StringIO()
    with pytest.raises(CommandError, match="^1 lỗi; không nhập dòng nào.$"):
        call_command("import_members", write(tmp_path, MEMBER_HEADER, rows), "--org", "CTD-X4",
                     stdout=io.StringIO(), stderr=err)  # fmt: skip
    assert err.getvalue().startswith("Dòng 3, cột")
    assert "16 đến 30 tuổi" in err.getvalue()
    assert not Membership.objects.exists()
    with pytest.raises(CommandError, match="Không có tổ chức mã “KHONG-CO”"):
        run("import_members", write(tmp_path, MEMBER_HEADER, MEMBERS), "--org", "KHONG-CO")


def test_import_volunteers_adds_a_volunteer_already_present_to_the_named_team(
    cast, tmp_path, tasks
):
    root, org = cast.root, cast.ba_dinh
    team = vol.create_team(root, org, name="Đội sơ cấp cứu", kind="first_aid")
    son = people.create_individual(root, organisation=org, full_name="Mai Văn Sơn",
                                   birth_date=date(1990, 5, 5), phone="0955555555")  # fmt: skip
    present = vol.register(root, son, org, since=date(2024, 1, 1))
    rows = [
        ["Mai Văn Sơn", "05/05/1990", "", "0955555555", "", "01/03/2025", "Đội sơ cấp cứu", "", ""],
        ["Tạ Văn Phú", "01/01/1995", "Nam", "", "", "01/03/2025", "", "", ""],
    ]  # fmt: skip
    out, _ = run("import_volunteers", write(tmp_path, VOLUNTEER_HEADER, rows), "--org", "CTD-X4")
    assert out.strip() == ("Đã nhập 1 tình nguyện viên (1 hồ sơ mới); 1 người đã có, bỏ qua; 0 "
                           "người có thể trùng (đã báo, không tự gộp).")  # fmt: skip
    assert Volunteer.objects.filter(individual=son).count() == 1  # not duplicated
    assert list(team.members.all()) == [present]  # joined the team named on the row
    # the team named again in another file: still once
    rows[1][6] = "Đội sơ cấp cứu"
    run("import_volunteers", write(tmp_path, VOLUNTEER_HEADER, rows, "lan-2.csv"), "--org",
        "CTD-X4")  # fmt: skip
    assert sorted(v.individual.full_name for v in team.members.all()) == ["Mai Văn Sơn",
                                                                          "Tạ Văn Phú"]  # fmt: skip
    assert Volunteer.objects.count() == 2


def _upload(client, org, kind, data, name="ds.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/api/people/imports", {
        "kind": kind, "organisation_id": org.pk,
        "file": SimpleUploadedFile(name, data, content_type="text/csv")})  # fmt: skip


def test_a_list_through_the_api(cast, login, tasks):
    client = login(cast.ba_dinh_officer)
    data = csv_bytes(MEMBER_HEADER, MEMBERS)
    sent = _upload(client, cast.ba_dinh, ListKind.MEMBERS, data)
    assert sent.status_code == 201, sent.content
    pk = sent.json()["id"]
    tasks.run()  # the worker checks it
    state = client.get(f"/api/people/imports/{pk}").json()
    assert (state["status"], state["rows_accepted"], state["people_created"]) == ("previewed", 2, 2)
    assert not Membership.objects.exists()
    confirmed = client.post(f"/api/people/imports/{pk}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "queued"
    tasks.run()  # and writes it
    assert client.get(f"/api/people/imports/{pk}").json()["status"] == "done"
    assert Membership.objects.count() == 2
    again = _upload(client, cast.ba_dinh, ListKind.MEMBERS, data, "ban-sao.csv")
    assert again.status_code == 200 and again.json()["id"] == pk and again.json()["repeated"]
    assert "đã được nhập lúc" in again.json()["message"]
    # a bad row: the list fails with the row named; nothing written
    bad = csv_bytes(MEMBER_HEADER, [["", "", "", "", "", "01/02/2026", "Hội viên", ""]])
    pk = _upload(client, cast.ba_dinh, ListKind.MEMBERS, bad).json()["id"]
    tasks.run()
    state = client.get(f"/api/people/imports/{pk}").json()
    assert state["status"] == "failed" and state["errors"][0]["row"] == 2
    refused = client.post(f"/api/people/imports/{pk}/confirm")
    assert refused.status_code == 422 and "đã kiểm tra" in refused.json()["detail"]
    # an unknown kind: 422 on the field; another commune: 404, nothing kept
    wrong = _upload(client, cast.ba_dinh, "donors", data, "x.csv")
    assert wrong.status_code == 422 and "kind" in str(wrong.json()["errors"])
    assert _upload(client, cast.ngoc_ha, ListKind.MEMBERS, data, "y.csv").status_code == 404
    assert MemberImport.objects.count() == 2
    assert login(cast.ngoc_ha_officer).get(f"/api/people/imports/{pk}").status_code == 404
