"""tdkt_registration: submit, approve or return."""

from tests.workflows.spiff_helper import Run

LIST = "Nguyễn Văn A – CSTDCS\nTrần Thị B – LDTT"


def start() -> Run:
    return Run("tdkt_registration", {"unit_id": 7, "campaign_id": 3})


def submit(run: Run) -> None:
    run.complete("submit_registration", registration_list=LIST, registration_count=2)


def test_registration_approved():
    run = start()
    submit(run)
    run.complete("review_registration", registration_decision="approve")
    assert run.completed
    assert run.data["outcome"] == "approved"


def test_registration_returned_then_approved():
    run = start()
    submit(run)
    run.complete(
        "review_registration", registration_decision="return", registration_reason="Sai mã"
    )
    assert run.ready_ids() == ["submit_registration"]
    assert run.data["registration_returns"] == 1
    submit(run)
    run.complete("review_registration", registration_decision="approve")
    assert run.data["outcome"] == "approved"


def test_registration_return_loop_is_bounded():
    run = start()
    for _ in range(6):
        submit(run)
        run.complete("review_registration", registration_decision="return", registration_reason="x")
    assert run.completed
    assert run.data["outcome"] == "rejected"
