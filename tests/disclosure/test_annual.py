from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.disclosure.annual import (
    OUTCOME_ROWS,
    REQUESTER_COLUMNS,
    ROW_LABELS,
    TABLE2_COLUMNS,
    TABLE2_ROWS,
    RequestRecord,
    build_annual_tables,
    check_consistency,
)
from fazhi.disclosure.outcomes import Outcome, RequesterType
from tests.disclosure import scenario as s


def build(requests=s.REQUESTS, carried=s.CARRIED_OVER_IDS, year=s.YEAR):
    return build_annual_tables(
        year=year, requests=requests, carried_over_ids=carried, proactive=s.PROACTIVE, reviews=s.REVIEWS
    )


def codes(problems):
    return {p.code for p in problems}


def by_code(problems, code):
    [problem] = [p for p in problems if p.code == code]
    return problem


def test_table2_has_the_national_shape():
    assert len(TABLE2_ROWS) == 25
    assert len(OUTCOME_ROWS) == 21  # plus (七) = the 22 outcome rows of the format
    assert len(TABLE2_COLUMNS) == 7
    assert ROW_LABELS["withheld_state_secret"] == "（三）不予公开 1.属于国家秘密"
    assert ROW_LABELS["carried_forward"] == "四、结转下年度继续办理"


def test_table2_matches_the_hand_count_cell_by_cell():
    tables = build()
    for row in TABLE2_ROWS:
        expected = s.EXPECTED_TABLE2.get(row, [0] * 7)
        assert tables.requests.row(row) == expected, ROW_LABELS[row]


def test_table1_and_table3():
    tables = build()
    assert tables.proactive == s.PROACTIVE
    row3 = [v for kind in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
            for v in tables.reviews.row(kind)]  # fmt: skip
    assert row3 == s.EXPECTED_TABLE3


def test_clean_scenario_has_no_problems():
    assert check_consistency(build(), requests=s.REQUESTS, previous_carried_forward=3) == []


def test_carried_forward_feeds_next_year():
    tables = build()
    assert sorted(tables.carried_forward_ids) == ["n08", "n11", "n14"]
    closed_2026 = [
        replace(r, outcome=Outcome.DISCLOSED, closed_on=date(2026, 1, 15)) if r.id in ("n08", "n11") else r
        for r in s.REQUESTS
    ]
    next_year = build(requests=closed_2026, carried=tables.carried_forward_ids, year=2026)
    assert next_year.requests.row("carried_over") == [1, 1, 0, 1, 0, 0, 3]
    assert next_year.requests.row("new") == [1, 0, 0, 0, 0, 0, 1]  # x2
    assert next_year.requests.row("disclosed") == [1, 1, 0, 1, 0, 0, 3]
    assert check_consistency(next_year, requests=closed_2026, previous_carried_forward=3) == []


def test_duplicate_record_is_counted_twice_and_named():
    requests = [*s.REQUESTS, s.NEW[1]]  # n02 twice, as a bad join would give
    tables = build(requests=requests)
    assert tables.requests.value("disclosed", RequesterType.NATURAL_PERSON) == 4
    problems = check_consistency(tables, requests=requests, previous_carried_forward=3)
    problem = by_code(problems, "counted_twice")
    assert problem.request_ids == ("n02",)
    assert problem.request_numbers == ("YSQ-n02",)
    assert "YSQ-n02" in problem.message


def test_missing_outcome_breaks_the_balance_and_names_the_request():
    requests = [replace(r, outcome=None) if r.id == "n05" else r for r in s.REQUESTS]
    tables = build(requests=requests)
    assert tables.requests.row("outcome_total")[0] == 7
    problems = check_consistency(tables, requests=requests, previous_carried_forward=3)
    assert codes(problems) == {"column_balance", "missing_outcome"}
    balance = [p for p in problems if p.code == "column_balance"]
    assert {p.message.split("列")[0] for p in balance} == {"“自然人”", "“总计”"}
    assert all(p.request_ids == ("n05",) for p in balance)
    assert "一加二为9，三（七）加四为8" in balance[0].message
    assert by_code(problems, "missing_outcome").request_numbers == ("YSQ-n05",)


def test_invalid_outcome_code_is_a_missing_outcome():
    requests = [replace(r, outcome="disclosed_typo") if r.id == "n13" else r for r in s.REQUESTS]
    problems = check_consistency(build(requests=requests), requests=requests, previous_carried_forward=3)
    assert by_code(problems, "missing_outcome").request_ids == ("n13",)


def test_carried_over_mismatch_names_the_carried_requests():
    problems = check_consistency(build(), requests=s.REQUESTS, previous_carried_forward=4)
    problem = by_code(problems, "carried_over_mismatch")
    assert problem.request_ids == ("c1", "c2", "c3")
    assert "上年结转数为3" in problem.message and "4" in problem.message
    assert check_consistency(build(), requests=s.REQUESTS, previous_carried_forward=None) == []


def test_hand_edited_cell_fails_the_printed_cross_checks():
    tables = build()
    tables.requests.cells[("disclosed", RequesterType.NATURAL_PERSON.value)] = 4
    problems = check_consistency(tables, requests=s.REQUESTS, previous_carried_forward=3)
    assert codes(problems) == {"outcome_total", "total_column", "cell_edited"}
    assert by_code(problems, "cell_edited").request_ids == ("c1", "n01", "n02")
    assert by_code(problems, "total_column").cell == ("disclosed", "total")


def test_open_request_missing_from_carried_over_list():
    forgotten = RequestRecord("c4", "YSQ-c4", RequesterType.NATURAL_PERSON, date(2024, 11, 1), None, None)
    requests = [*s.REQUESTS, forgotten]
    problems = check_consistency(build(requests=requests), requests=requests, previous_carried_forward=3)
    assert by_code(problems, "missing_carry_over").request_ids == ("c4",)


def test_bad_carried_over_list():
    carried = [*s.CARRIED_OVER_IDS, "x1", "n01", "ghost"]
    tables = build(carried=carried)
    problems = check_consistency(tables, requests=s.REQUESTS, previous_carried_forward=3)
    assert by_code(problems, "carried_over_closed_earlier").request_ids == ("x1",)
    assert by_code(problems, "carried_over_not_earlier").request_ids == ("n01",)
    assert by_code(problems, "unknown_carried_over").request_ids == ("ghost",)
    assert by_code(problems, "carried_over_mismatch")  # 5 listed, 3 published last year
    assert "not_counted" not in codes(problems)  # x1 is already explained


def test_outcome_without_closure_and_closed_before_received():
    requests = [
        replace(r, outcome=Outcome.DISCLOSED) if r.id == "n08"
        else replace(r, closed_on=date(2025, 3, 1)) if r.id == "n12"
        else r
        for r in s.REQUESTS
    ]  # fmt: skip
    problems = check_consistency(build(requests=requests), requests=requests, previous_carried_forward=3)
    assert by_code(problems, "outcome_without_closure").request_ids == ("n08",)
    assert by_code(problems, "closed_before_received").request_ids == ("n12",)


def test_unknown_requester_type_is_refused():
    bad = [RequestRecord("z", "YSQ-z", "alien", date(2025, 1, 1), None, None)]
    with pytest.raises(ValueError):
        build(requests=bad)


# Property: any clean year balances, whatever the mix.
day = st.dates(min_value=date(2023, 6, 1), max_value=date(2026, 6, 30))


@st.composite
def clean_records(draw):
    records = []
    for i in range(draw(st.integers(0, 40))):
        received = draw(day)
        closed = draw(
            st.one_of(st.none(), st.integers(0, 400).map(lambda n, r=received: r + timedelta(days=n)))
        )
        outcome = draw(st.sampled_from(list(Outcome))) if closed else None
        records.append(
            RequestRecord(i, f"N{i}", draw(st.sampled_from(REQUESTER_COLUMNS)), received, outcome, closed)
        )
    return records


@settings(max_examples=150, deadline=None)
@given(clean_records())
def test_any_clean_year_balances(records):
    start = date(2025, 1, 1)
    carried = [
        r.id for r in records if r.received_on < start and (r.closed_on is None or r.closed_on >= start)
    ]
    tables = build(requests=records, carried=carried)
    assert check_consistency(tables, requests=records, previous_carried_forward=len(carried)) == []
    t = tables.requests
    for column in TABLE2_COLUMNS:
        assert t.value("new", column) + t.value("carried_over", column) == (
            t.value("outcome_total", column) + t.value("carried_forward", column)
        )
    in_year = [r for r in records if r.id in set(carried) or r.received_on.year == 2025]
    assert t.value("new", "total") + t.value("carried_over", "total") == len(in_year)
