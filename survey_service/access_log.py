"""What the server logs: enough to operate the service, nothing about a respondent.

Used by ``survey-service serve`` (gunicorn's ``logger_class``) and for the application's own
log. See docs/privacy.md, rule 9.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask
from gunicorn.glogging import Logger as GunicornLogger

#: The access log keeps what operating the service needs and nothing about the respondent:
#: no client address (%(h)s), no user agent (%(a)s), no referrer (%(f)s), and the path without
#: its query string (%(U)s, not %(r)s), which would hold invitation tokens.
ACCESS_LOG_FORMAT = "%(t)s %(m)s %(U)s %(s)s %(B)s %(M)sms"

# A receipt code in a path, shown as [receipt] in every log line: that of
# DELETE /api/v1/public/responses/{receipt}, and a code put by mistake after the withdrawal
# endpoints that take it in the body, however the path is written (repeated slashes, other
# case) and wherever it is quoted (a longer message, an error report).
_RECEIPT_IN_PATH = re.compile(
    r"/+api/+v1/+public/+(responses|withdrawals)/+[^\s?#\"']+|/+s/+withdraw/+[^\s?#\"']+",
    re.IGNORECASE,
)


def _redacted(match: re.Match[str]) -> str:
    if match.group(1) is None:
        return "/s/withdraw/[receipt]"
    return f"/api/v1/public/{match.group(1).lower()}/[receipt]"


# Requests that store or delete a respondent's answers, when they succeed: the JSON API's
# submission and withdrawals, and the HTML form's submission and withdrawal page.
_RESPONDENT_WRITES = (
    ("POST", re.compile(r"/api/v1/public/surveys/[^/]+/responses")),
    ("POST", re.compile(r"/api/v1/public/withdrawals")),
    ("DELETE", re.compile(r"/api/v1/public/responses/.+")),
    ("POST", re.compile(r"/s/[^/]+")),
)


def redact_receipts(text: str) -> str:
    """``text`` with every receipt code in a withdrawal path replaced by ``[receipt]``."""
    return _RECEIPT_IN_PATH.sub(_redacted, text)


def is_respondent_write(method: str, path: str) -> bool:
    """Whether a request of ``method`` to ``path`` stores or withdraws a response."""
    normalised = re.sub(r"/{2,}", "/", path)
    if len(normalised) > 1:
        normalised = normalised.rstrip("/")
    return any(
        method.upper() == wanted and pattern.fullmatch(normalised)
        for wanted, pattern in _RESPONDENT_WRITES
    )


class _RedactReceipts(logging.Filter):
    """Rewrites any log record that would show a receipt code in a withdrawal path."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler to report
            return True
        redacted = redact_receipts(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_REDACT_RECEIPTS = _RedactReceipts()


class PrivateLogger(GunicornLogger):
    """Gunicorn's logger, holding back what would identify a respondent or their answers.

    * A successful respondent write (a 2xx or 3xx answer to a submission or a withdrawal) is
      not logged at all. Its line would carry the time to the second, and the order in which
      the database stores responses would then give each response its exact time of
      submission, which the service deliberately never keeps (responses keep only the date).
      Refused requests (4xx) and server errors (5xx) stored nothing, so they are logged.
    * A withdrawal receipt in a path is shown as ``[receipt]``: the code is the respondent's
      secret, and whoever reads the log could otherwise withdraw the response.
    * Whatever the format says, no client address, user agent, referrer, query string (which
      would hold invitation tokens), request or response header or WSGI variable is logged.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_REDACT_RECEIPTS)  # once: the filter is a single object

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        status = str(getattr(resp, "status", "") or "").split(None, 1)
        code = int(status[0]) if status and status[0].isdigit() else 0
        method = str(environ.get("REQUEST_METHOD") or "")
        if 200 <= code < 400 and is_respondent_write(method, str(environ.get("PATH_INFO") or "")):
            return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_receipts(str(environ.get("PATH_INFO") or ""))
        kept = {name: value for name, value in atoms.items() if not name.startswith("{")}
        kept.update(
            h="-",
            a="-",
            f="-",
            q="-",
            U=path,
            r=f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}",
        )
        return kept


def keep_receipts_out_of_app_logs(app: Flask) -> None:
    """The application's own log (e.g. Flask's "Exception on <path>") redacts receipts too."""
    app.logger.addFilter(_REDACT_RECEIPTS)
    for handler in app.logger.handlers:
        handler.addFilter(_REDACT_RECEIPTS)
