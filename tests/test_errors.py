"""Exit codes and HTTP statuses belong to the error classes: one place decides both."""

from __future__ import annotations

import inspect

import pytest

from spinscope import errors
from spinscope.document import Failure


@pytest.mark.parametrize(
    "error,exit_code,status",
    [
        (errors.UsageError, 2, 400),
        (errors.ConflictError, 2, 409),
        (errors.InputTooLargeError, 3, 413),
        (errors.EmptyInputError, 3, 400),
        (errors.UnsupportedInputError, 3, 400),
        (errors.BlockedURLError, 4, 400),
        (errors.FetchError, 4, 502),
        (errors.ContentTypeError, 4, 502),
        (errors.FetchTimeoutError, 4, 504),
        (errors.ModelError, 5, 500),
        (errors.StoreError, 6, 500),
        (errors.StoreFullError, 6, 507),
        (errors.QueryTimeoutError, 6, 504),
        (errors.OverloadedError, 1, 503),
        (errors.AnalysisTimeoutError, 7, 504),
        (errors.WorkerLostError, 1, 500),
        (errors.PipelineError, 1, 500),
    ],
)
def test_errors_each_class_declares_its_exit_code_and_status(error: type[errors.SpinscopeError], exit_code: int, status: int) -> None:
    assert (error.exit_code, error.http_status) == (exit_code, status)


def test_errors_every_spinscope_error_lives_in_errors_module() -> None:
    import spinscope.store
    import spinscope.web.worker

    for module in (spinscope.store, spinscope.web.worker):
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, errors.SpinscopeError):
                assert obj.__module__ == "spinscope.errors", f"{obj.__name__} is defined in {obj.__module__}"


def test_errors_failure_takes_exit_code_and_status_from_the_class() -> None:
    failure = Failure.of("a.txt", errors.InputTooLargeError("a.txt is  too\nlarge"))
    assert (failure.error, failure.exit_code, failure.http_status) == ("InputTooLargeError", 3, 413)
    assert failure.message == "a.txt is too large"
