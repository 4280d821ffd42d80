"""logs.py: library deprecation notices dropped, the project's own kept; refused requests
logged as warnings; rasa_sdk's per-slot notice dropped."""

import logging
import warnings

import logs


def test_library_deprecations_are_dropped_and_the_projects_kept():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        logs.quiet_libraries()
        warnings.warn_explicit("old API", DeprecationWarning, "x.py", 1, module="sanic.app")
        warnings.warn_explicit("old API", DeprecationWarning, "y.py", 1, module="assistant.nlg")
        warnings.warn_explicit("real problem", UserWarning, "z.py", 1, module="rasa.core")
    assert [(str(w.message), w.filename) for w in caught] == [
        ("old API", "y.py"),
        ("real problem", "z.py"),
    ]


def test_a_refused_request_is_a_warning_and_other_errors_stay_errors(caplog):
    logger = logging.getLogger("test.logs.demote")
    logger.addFilter(logs.Demote("User is not authenticated."))
    with caplog.at_level(logging.INFO, logger="test.logs.demote"):
        logger.error("User is not authenticated.")
        logger.error("Database is gone.")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "User is not authenticated."),
        ("ERROR", "Database is gone."),
    ]


def test_dropped_messages_are_dropped(caplog):
    logger = logging.getLogger("test.logs.drop")
    logger.addFilter(logs.DropMessages("Skipping validation for `"))
    with caplog.at_level(logging.INFO, logger="test.logs.drop"):
        logger.warning("Skipping validation for `tr_bladder`: there is no validation method.")
        logger.warning("Something else.")
    assert [r.getMessage() for r in caplog.records] == ["Something else."]
