"""Waiting on the worker without sleeping: its on_change callback feeds a condition variable."""

from __future__ import annotations

import threading

import zxingcpp
from PIL import Image

from checkin_desk.printing import JobInfo


class JobWatcher:
    def __init__(self):
        self.cond = threading.Condition()
        self.latest: dict[int, JobInfo] = {}
        self.history: list[JobInfo] = []

    def __call__(self, job: JobInfo) -> None:
        with self.cond:
            self.latest[job.id] = job
            self.history.append(job)
            self.cond.notify_all()

    def wait(self, predicate, timeout: float = 10.0) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: predicate(self.latest), timeout)

    def wait_state(self, job_id: int, state: str, timeout: float = 10.0, **expect) -> JobInfo:
        def done(latest):
            job = latest.get(job_id)
            return (
                job is not None
                and job.state == state
                and all(getattr(job, k) == v for k, v in expect.items())
            )

        assert self.wait(done, timeout), (
            f"job {job_id} never reached {state} {expect}: {self.latest.get(job_id)}"
        )
        return self.latest[job_id]

    def wait_attempts(self, job_id: int, attempts: int, timeout: float = 10.0) -> JobInfo:
        def done(latest):
            job = latest.get(job_id)
            return job is not None and job.state != "sending" and job.attempts >= attempts

        assert self.wait(done, timeout), (
            f"job {job_id} never made {attempts} attempts: {self.latest.get(job_id)}"
        )
        return self.latest[job_id]


def decode_qr(path) -> list[str]:
    with Image.open(path) as img:
        return [r.text for r in zxingcpp.read_barcodes(img.convert("L"))]
