"""The job system's errors: what a user reads when a job cannot be queued, found or downloaded."""
from __future__ import annotations

from ..errors import InvalidInput, NotFound, ServiceError


class JobCancelled(BaseException):
    """Raised by JobContext.check_cancelled.

    A BaseException on purpose: a task's `except Exception` around one document (to name it in a
    ServiceError) must not turn a user's cancel into a failure.
    """


class JobNotFound(NotFound):
    """No job with that id (or the user may not see it)."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"Không tìm thấy công việc “{job_id}”.")


class UnknownJobKind(InvalidInput):
    """Nothing is registered under that kind."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"Loại công việc “{kind}” không tồn tại.")


class QueueUnavailable(ServiceError):
    """Redis cannot be reached: the service is degraded, the request was fine."""

    status = 503
    code = "hang_doi_khong_san_sang"


class JobNotFinished(ServiceError):
    """The result was asked for before the job was done (or it failed or was cancelled)."""

    status = 409
    code = "cong_viec_chua_xong"


class ResultNotProduced(NotFound):
    """The job is done but made no file in that format."""


class ResultGone(ServiceError):
    """The row says done but the file is no longer in DATA_DIR (deleted, or storage not shared)."""

    status = 410
    code = "tep_ket_qua_khong_con"
