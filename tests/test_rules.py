from checkin_desk.domain.models import Attendee, Entry, PassStatus, Status
from checkin_desk.domain.rules import Policy, decide

DAYS = ("2027-04-18", "2027-04-19", "2027-04-20")
POLICY = Policy(event_days=DAYS)
A = Attendee("X1", "Amine", "Alaoui")


def test_first_entry_of_the_event_is_ok_and_prints_the_badge():
    d = decide(A, [], DAYS[0], POLICY)
    assert (d.status, d.admitted, d.print_badge, d.reentry) == (Status.OK, True, True, False)


def test_reentry_same_day_is_admitted_flagged_with_first_entry_and_no_badge():
    first = Entry("2027-04-18T09:00:00+00:00", DAYS[0], "desk-2", badge_printed=True)
    later = Entry("2027-04-18T12:00:00+00:00", DAYS[0], "desk-1")
    d = decide(A, [first, later], DAYS[0], POLICY)
    assert d.status == Status.ALREADY_CHECKED_IN
    assert d.admitted and d.reentry and not d.print_badge
    assert d.first_entry == first


def test_reentry_refused_when_policy_says_so():
    first = Entry("2027-04-18T09:00:00+00:00", DAYS[0], "desk-2")
    d = decide(A, [first], DAYS[0], Policy(readmit_same_day=False, event_days=DAYS))
    assert (d.status, d.admitted) == (Status.ALREADY_CHECKED_IN, False)


def test_second_day_first_entry_is_ok_without_a_new_badge():
    first = Entry("2027-04-18T09:00:00+00:00", DAYS[0], "desk-2", badge_printed=True)
    d = decide(A, [first], DAYS[1], POLICY)
    assert (d.status, d.admitted, d.print_badge, d.first_entry) == (Status.OK, True, False, None)


def test_refusals_in_order():
    assert decide(None, [], DAYS[0], POLICY, malformed=True).status == Status.MALFORMED
    assert decide(A, [], DAYS[0], POLICY, bad_signature=True).status == Status.INVALID_SIGNATURE
    assert decide(None, [], DAYS[0], POLICY).status == Status.UNKNOWN
    cancelled = Attendee("X2", "N", "M", status=PassStatus.CANCELLED)
    blocked = Attendee("X3", "N", "M", status=PassStatus.BLOCKED)
    one_day = Attendee("X4", "N", "M", days=(DAYS[1],))
    for attendee, status in (
        (cancelled, Status.CANCELLED),
        (blocked, Status.BLOCKED),
        (one_day, Status.WRONG_DAY),
    ):
        d = decide(attendee, [], DAYS[0], POLICY)
        assert (d.status, d.admitted, d.print_badge) == (status, False, False)
    assert decide(one_day, [], DAYS[1], POLICY).status == Status.OK


def test_outside_the_event_days_everyone_is_wrong_day():
    assert decide(A, [], "2027-04-21", POLICY).status == Status.WRONG_DAY
