"""A hand-built year (2025) of disclosure requests with its table 2 computed by hand.

Three requests are carried over from 2024 and eighteen are new; three end the year open. The
expected values below were counted on paper from the list, not by running the code.
"""

from datetime import date
from decimal import Decimal

from fazhi.disclosure.annual import ProactiveCounts, RequestRecord, ReviewRecord
from fazhi.disclosure.outcomes import Outcome as O
from fazhi.disclosure.outcomes import RequesterType as T

YEAR = 2025
NP, CE, RI, PI, LS, OO = (
    T.NATURAL_PERSON,
    T.COMMERCIAL_ENTERPRISE,
    T.RESEARCH_INSTITUTION,
    T.PUBLIC_INTEREST_ORG,
    T.LEGAL_SERVICES_ORG,
    T.OTHER_ORGANISATION,
)


def d(month: int, day: int, year: int = YEAR) -> date:
    return date(year, month, day)


def rec(id_, type_, received, outcome=None, closed=None) -> RequestRecord:
    return RequestRecord(id=id_, number=f"YSQ-{id_}", requester_type=type_, received_on=received,
                         outcome=outcome, closed_on=closed)  # fmt: skip


CARRIED_OVER = [
    rec("c1", NP, d(12, 10, 2024), O.DISCLOSED, d(1, 8)),
    rec("c2", CE, d(12, 20, 2024), O.WITHHELD_THIRD_PARTY_RIGHTS, d(1, 15)),
    rec("c3", LS, d(12, 29, 2024), O.UNAVAILABLE_NOT_HELD, d(1, 20)),
]
NEW = [
    rec("n01", NP, d(1, 6), O.DISCLOSED, d(1, 20)),
    rec("n02", NP, d(2, 10), O.DISCLOSED, d(3, 1)),
    rec("n03", NP, d(3, 3), O.PARTLY_DISCLOSED, d(3, 25)),
    rec("n04", NP, d(3, 15), O.WITHHELD_STATE_SECRET, d(4, 1)),
    rec("n05", NP, d(4, 2), O.NOT_PROCESSED_PETITION, d(4, 10)),
    rec("n06", NP, d(4, 20), O.NOT_PROCESSED_REPEAT, d(4, 25)),
    rec("n07", NP, d(5, 6), O.OTHER_NOT_AMENDED, d(6, 10)),
    rec("n08", NP, d(12, 15)),  # open at year end
    rec("n09", CE, d(2, 14), O.DISCLOSED, d(3, 5)),
    rec("n10", CE, d(6, 1), O.WITHHELD_PROCESS_INFORMATION, d(6, 20)),
    rec("n11", CE, d(12, 22)),  # open at year end
    rec("n12", RI, d(7, 1), O.UNAVAILABLE_NEEDS_CREATION, d(7, 25)),
    rec("n13", PI, d(8, 8), O.DISCLOSED, d(8, 30)),
    rec("n14", PI, d(12, 30), O.DISCLOSED, d(1, 10, 2026)),  # closed after 31 Dec: carried forward
    rec("n15", LS, d(9, 1), O.WITHHELD_ENFORCEMENT_FILE, d(9, 20)),
    rec("n16", LS, d(10, 10), O.OTHER_FEE_UNPAID, d(11, 30)),
    rec("n17", OO, d(11, 11), O.OTHER, d(11, 20)),
    rec("n18", OO, d(3, 3), O.UNAVAILABLE_NOT_HELD, d(3, 20)),
]
IRRELEVANT = [
    rec("x1", NP, d(5, 1, 2024), O.DISCLOSED, d(6, 1, 2024)),  # closed in 2024, not carried over
    rec("x2", NP, d(1, 5, 2026)),  # next year's
]
REQUESTS = CARRIED_OVER + NEW + IRRELEVANT
CARRIED_OVER_IDS = ["c1", "c2", "c3"]
PREVIOUS_CARRIED_FORWARD = 3

PROACTIVE = ProactiveCounts(
    rules_issued=0,
    rules_repealed=0,
    rules_in_force=2,
    normative_documents_issued=5,
    normative_documents_repealed=3,
    normative_documents_in_force=41,
    licensing_decisions=1234,
    penalty_decisions=56,
    enforcement_decisions=7,
    fees_10k_yuan=Decimal("12.35"),
)
REVIEWS = [
    ReviewRecord("reconsideration", "upheld"),
    ReviewRecord("reconsideration", "upheld"),
    ReviewRecord("reconsideration", "corrected"),
    ReviewRecord("reconsideration", "pending"),
    ReviewRecord("litigation_direct", "upheld"),
    ReviewRecord("litigation_after_reconsideration", "other"),
    ReviewRecord("litigation_after_reconsideration", "pending"),
]

# Columns: natural person, commercial, research, public-interest, legal services, other, total.
EXPECTED_TABLE2 = {
    "new": [8, 3, 1, 2, 2, 2, 18],
    "carried_over": [1, 1, 0, 0, 1, 0, 3],
    "disclosed": [3, 1, 0, 1, 0, 0, 5],
    "partly_disclosed": [1, 0, 0, 0, 0, 0, 1],
    "withheld_state_secret": [1, 0, 0, 0, 0, 0, 1],
    "withheld_third_party_rights": [0, 1, 0, 0, 0, 0, 1],
    "withheld_process_information": [0, 1, 0, 0, 0, 0, 1],
    "withheld_enforcement_file": [0, 0, 0, 0, 1, 0, 1],
    "unavailable_not_held": [0, 0, 0, 0, 1, 1, 2],
    "unavailable_needs_creation": [0, 0, 1, 0, 0, 0, 1],
    "not_processed_petition": [1, 0, 0, 0, 0, 0, 1],
    "not_processed_repeat": [1, 0, 0, 0, 0, 0, 1],
    "other_not_amended": [1, 0, 0, 0, 0, 0, 1],
    "other_fee_unpaid": [0, 0, 0, 0, 1, 0, 1],
    "other": [0, 0, 0, 0, 0, 1, 1],
    "outcome_total": [8, 3, 1, 1, 3, 2, 18],
    "carried_forward": [1, 1, 0, 1, 0, 0, 3],
}
# Reconsideration, direct litigation, litigation after reconsideration: upheld, corrected, other, pending, total.
EXPECTED_TABLE3 = [2, 1, 0, 1, 4, 1, 0, 0, 0, 1, 0, 0, 1, 1, 2]
