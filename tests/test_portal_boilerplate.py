"""Each account's boilerplate (issue #24, item 2): the phrases every sender's line to the account
carries (its holder's name, the banks' routing text) are learned at import and are no evidence
for the public search. A hand-made account whose every line ends "… toi 0011001932418 MAT TRAN TO
QUOC VN - BAN CUU TRO TW": "tran van nam" finds TRAN VAN NAM's own lines, not every "… VAN NAM"
whose "tran" is the account's name. Lines go through the real statement import."""

import pytest

from nhandao.donations import actions, boilerplate
from nhandao.donations.models import BankAccount, StatementLine
from nhandao.portal import search
from nhandao.portal.forms import SearchForm
from tests import test_portal_common as common

fresh_cache, vcb, yagi = common.fresh_cache, common.vcb, common.yagi

pytestmark = pytest.mark.django_db

HEADER = "page,date,doc_no,debit_vnd,credit_vnd,details\n"
FAMILIES = ["LE", "PHAM", "HOANG", "VU", "DANG", "BUI", "DO", "HO", "NGO", "DUONG", "LY", "MAI"]
MIDDLES = ["VAN", "THI", "MINH", "DUC", "NGOC"]
GIVEN = ["NAM", "AN", "BINH", "HOA", "LINH", "HUNG"]
MTTQ = "0011001932418 MAT TRAN TO QUOC VN - BAN CUU TRO TW"


def senders(count: int) -> list[str]:
    """Names of every family but TRAN, so that "tran" is only the account's name's."""
    names = [f"{f} {m} {g}" for g in GIVEN for m in MIDDLES for f in FAMILIES]
    return names[:count]


def app_line(i: int, name: str, message: str, holder: str, day: int = 0) -> str:
    """A line as a bank app writes it: its own prefix, the message, and "CT tu … toi …" with
    the receiving account's number and holder (the boilerplate)."""
    day = day or 1 + i % 9
    return (
        f"1,2024-09-{day:02d},7700.{i:05d},,{10_000 * (1 + i % 50)},MBVCB.{6_900_000 + i}."
        f"{message}.CT tu {101_001_000_000 + i} {name} toi {holder}\n"
    )


def statement_csv(holder: str, start: int = 0, count: int = 240) -> str:
    rows = [
        app_line(start + i, name, f"{name} chuyen tien", holder)
        for i, name in enumerate(senders(count))
    ]
    return HEADER + "".join(rows)


# The donor and a line about them: TRAN VAN NAM sent the oldest line; LE THI HOA gave in their
# name (the phrase in the message). Every other "… VAN NAM" holds "tran" only in MTTQ.
OWN = HEADER + "".join(
    [
        app_line(90_001, "TRAN VAN NAM", "TRAN VAN NAM chuyen tien", MTTQ, day=1),
        app_line(90_002, "LE THI HOA", "LE THI HOA ung ho thay tran van nam", MTTQ, day=2),
    ]
)


def imported(cast, account, name: str, data: str):
    done = actions.import_statement(cast.root, account, filename=name, data=data.encode())
    assert done.status == "done", done.errors[:3]
    return done


@pytest.fixture
def mttq(cast, vcb):
    imported(cast, vcb, "mttq.csv", statement_csv(MTTQ))
    imported(cast, vcb, "own.csv", OWN)
    vcb.refresh_from_db()
    return vcb


@pytest.fixture
def yen_bai(cast, yagi, vcb):
    """A second account of the same appeal, with another holder."""
    return actions.create_bank_account(
        cast.root,
        bank="VCB",
        number="0011009999999",
        holder="UB MTTQ tinh Yen Bai",
        organisation=vcb.organisation,
        campaign=yagi,
    )


def find(**params):
    form = SearchForm(params)
    assert form.is_valid(), form.errors
    return search.run(form.query())


def references(result) -> list[str]:
    return [line["reference"] for line in result.lines]


def test_the_import_learns_the_account_name_and_routing_text_not_the_senders_names(mttq):
    phrases = mttq.search_boilerplate
    assert "toi 0011001932418 mat tran to quoc vn ban cuu tro tw" in phrases
    assert "chuyen tien ct tu" in phrases and "mbvcb" in phrases
    learned_words = {w for p in phrases for w in p.split()}
    # "van", "thi" are on a fifth of the lines, but in the senders' names
    assert not learned_words & {"van", "thi", "nam", "le", "pham"}


def test_a_donor_named_with_the_account_name_words_ranks_by_their_own_line(mttq):
    lines = StatementLine.objects.filter(bank_account=mttq)
    assert lines.filter(description_key__contains=" van nam ").count() > 10  # "… VAN NAM"
    found = find(q="tran van nam")
    # the sender first, then the line that names them; no line whose "tran" is MTTQ's
    assert references(found) == ["7700.90001", "7700.90002"]
    assert found.count == 2
    # the common-word rule: the sample does not count the account's name as "tran"
    assert search.common_share(["tran", "van", "nam"]) < search.terms_share(
        [("tran", False), ("van", False), ("nam", False)]
    )


def test_the_routing_text_typed_as_such_is_still_found(mttq):
    # "mat tran": a piece of the phrase, typed as the donor saw it on their statement
    assert find(q="mat tran to quoc").count == 242
    # a name beside the app's words: the words are looked for as typed
    assert references(find(q="tran van nam chuyen tien")) == ["7700.90001"]


def test_learning_is_idempotent_and_a_reimported_file_changes_nothing(cast, mttq):
    phrases = mttq.search_boilerplate
    assert boilerplate.learn(mttq.pk) == phrases
    assert boilerplate.learn(mttq.pk) == phrases
    before = references(find(q="tran van nam"))
    # the same file again, then a file holding its lines and one more
    imported(cast, mttq, "mttq-again.csv", statement_csv(MTTQ))
    more = statement_csv(MTTQ) + app_line(99_999, "LE VAN AN", "LE VAN AN chuyen tien", MTTQ)
    again = imported(cast, mttq, "mttq-more.csv", more)
    assert again.rows_accepted == 1 and again.rows_duplicate == 240
    mttq.refresh_from_db()
    assert mttq.search_boilerplate == phrases
    search._SAMPLE.clear()
    assert references(find(q="tran van nam")) == before


def test_a_second_account_learns_its_own_words(cast, mttq, yen_bai):
    first = list(mttq.search_boilerplate)
    holder = "0011009999999 UY BAN MAT TRAN TO QUOC TINH YEN BAI"
    imported(cast, yen_bai, "yenbai.csv", statement_csv(holder, start=50_000))
    yen_bai.refresh_from_db()
    mttq.refresh_from_db()
    assert mttq.search_boilerplate == first
    assert "toi 0011009999999 uy ban mat tran to quoc tinh yen bai" in yen_bai.search_boilerplate
    assert not any("0011001932418" in p for p in yen_bai.search_boilerplate)
    # each account's name taken out of its own lines: still only TRAN VAN NAM's lines
    assert references(find(q="tran van nam")) == ["7700.90001", "7700.90002"]


def test_an_account_with_few_lines_learns_nothing(cast, vcb):
    imported(cast, vcb, "few.csv", statement_csv(MTTQ, count=boilerplate.MIN_LINES - 1))
    vcb.refresh_from_db()
    assert vcb.search_boilerplate == []


def test_frequent_words_of_senders_names_are_never_boilerplate():
    texts = [f"nguyen thi {g} chuyen tien ct tu {i} toi 123 mat tran" for i, g in enumerate(
        ["an", "binh", "hoa", "linh"] * 60
    )]  # fmt: skip
    names = [t.split(" chuyen")[0] for t in texts]
    phrases = boilerplate.phrases_of(texts, names)
    assert "toi 123 mat tran" in phrases and "chuyen tien ct tu" in phrases
    assert "nguyen thi" not in phrases
    # the order the search takes them out in: longest first
    assert phrases == sorted(phrases, key=lambda p: (-len(p.split()), p))


def test_learn_all_learns_every_account_with_lines(mttq, yen_bai):
    BankAccount.objects.filter(pk=mttq.pk).update(search_boilerplate=[])
    learned = boilerplate.learn_all()
    assert set(learned) == {mttq.pk}  # the second account has no line
    mttq.refresh_from_db()
    assert mttq.search_boilerplate == learned[mttq.pk] != []
