"""The volunteer list searched by name, skill, language and availability, all without
accents or case (issue #20 item 4, remainder); the download carries the same search; the
user's reach only."""

from datetime import date

from nhandao.people import actions as people
from nhandao.people import volunteers as vol
from nhandao.people.models import Volunteer


def volunteer(cast, org, name, skills=(), languages=(), availability=""):
    who = people.create_individual(cast.root, organisation=org, full_name=name,
                                   birth_date=date(1990, 1, 1))  # fmt: skip
    v = vol.register(cast.root, who, org, since=date(2025, 1, 1))
    return vol.set_skills(cast.root, v, skills=list(skills), languages=list(languages),
                          availability=availability)  # fmt: skip


def names(found):
    return sorted(v.individual.full_name for v in found)


def test_search_by_skill_language_and_availability_without_accents(cast):
    volunteer(cast, cast.ba_dinh, "Nguyễn Thị Hồng", ["first_aid"], ["en"], "Thứ Bảy, Chủ nhật")
    volunteer(cast, cast.ba_dinh, "Trần Văn Bình", ["first_aid", "water_rescue"], [], "Buổi tối")
    volunteer(cast, cast.ba_dinh, "Lê Anh", ["driving"], ["en", "fr"], "")
    everyone = Volunteer.objects.all()
    assert names(vol.search(everyone, skill="first_aid")) == ["Nguyễn Thị Hồng", "Trần Văn Bình"]
    assert names(vol.search(everyone, language="en")) == ["Lê Anh", "Nguyễn Thị Hồng"]
    assert names(vol.search(everyone, skill="first_aid", language="en")) == ["Nguyễn Thị Hồng"]
    assert names(vol.search(everyone, availability="thu bay")) == ["Nguyễn Thị Hồng"]
    assert names(vol.search(everyone, availability="BUỔI TỐI")) == ["Trần Văn Bình"]
    assert names(vol.search(everyone, text="hong")) == ["Nguyễn Thị Hồng"]
    assert names(vol.search(everyone, skill="water_rescue", text="binh")) == ["Trần Văn Bình"]
    assert names(vol.search(everyone, language="fr", availability="toi")) == []


def test_the_volunteer_list_page_searches_within_reach(cast, login):
    volunteer(cast, cast.ba_dinh, "Nguyễn Thị Hồng", ["first_aid"], ["en"], "Thứ Bảy")
    volunteer(cast, cast.ba_dinh, "Trần Văn Bình", ["driving"], [], "")
    volunteer(cast, cast.ngoc_ha, "Phạm Thu Hà", ["first_aid"], ["en"], "Thứ Bảy")
    client = login(cast.ba_dinh_officer)
    html = client.get("/tinh-nguyen/", {"skill": "first_aid", "availability": "thu bay"}).content
    html = html.decode()
    assert "Nguyễn Thị Hồng" in html and "Trần Văn Bình" not in html
    assert "Phạm Thu Hà" not in html  # another commune's volunteer
    assert 'data-label="Kỹ năng">Sơ cấp cứu</td>' in html  # the skill in words, not its value
    assert "1 tình nguyện viên." in html
    # the download carries the search
    csv = client.get("/tinh-nguyen/danh-sach/", {"format": "csv", "skill": "driving"})
    body = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode("utf-8-sig")
    assert "Trần Văn Bình" in body and "Nguyễn Thị Hồng" not in body
    assert "Phạm Thu Hà" in login(cast.hn_officer).get("/tinh-nguyen/?language=en").content.decode()


def test_the_exports_mark_a_person_who_restricted_their_data(cast, login):
    from nhandao.people import privacy

    kept = volunteer(cast, cast.ba_dinh, "Đoàn Thị Hạn", ["first_aid"])
    volunteer(cast, cast.ba_dinh, "Đoàn Văn Thường", ["first_aid"])
    privacy.restrict_individual(cast.root, kept.individual)
    client = login(cast.ba_dinh_officer)
    for url in ("/tinh-nguyen/danh-sach/?format=csv", "/ca-nhan/?q=doan&format=csv"):
        answer = client.get(url)
        text = b"".join(answer.streaming_content if answer.streaming else [answer.content])
        lines = text.decode("utf-8-sig").strip().splitlines()
        assert lines[0].endswith("Hạn chế xử lý dữ liệu"), url
        marked = {line.split(",")[1]: line.rsplit(",", 1)[1] for line in lines[1:]}
        assert marked["Đoàn Thị Hạn"].startswith("từ ") and marked["Đoàn Văn Thường"] == "", url
