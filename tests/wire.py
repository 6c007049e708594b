"""Wire recorder: every request a test sends to the API through Django's test client, and its
reply, one JSON line each, so that a refactor can be shown to keep the wire byte for byte.

Opt-in: it does nothing unless WIRE_RECORD names a JSONL file (appended to) and the plugin
is loaded:  WIRE_RECORD=/tmp/wire/x.jsonl .venv/bin/pytest -p tests.wire tests/statuses ...
scripts/wire-diff.sh records the usual suites and diffs them against a baseline.

It wraps django.test.Client.request, which the test client and DRF's APIClient both go
through (after APIClient has added its credentials), so each hop of a followed redirect is
a record too. Only paths under /api/, /oauth/ and /docs/ are kept.

Values that change from one run to the next are replaced by placeholders numbered in order of
first appearance within the test (`<token-1>` is the same value wherever it shows in that
test): secrets and ids found by the key, form field, hidden input, header or cookie that
carries them (and any later occurrence of the same text, URL-encoded or not), UUIDs, hex
digests and random file names, long random-looking strings, Rocket.Chat ids. Times near
today keep their shape with every digit a 9 (`<time 9999-99-99T99:99:99.999Z>`); dates,
HTTP dates, epoch times and upload folders (2026/12) near today become `<date>`,
`<http-date>`, `<epoch-ms>`, `<yyyy>/<mm>`; a throttle's countdown in a 429 `<seconds>`.
Everything else is kept as sent: key order, spacing, escapes and wording. Bodies over 4 KB
(after that) and binary bodies are shown as their length and SHA-256.

Record layout: test, n (its index in the test), method, path (with the query), request
{content_type, headers (Authorization as its scheme; Cookie as names), body}, status, reply
{headers (Content-Type, WWW-Authenticate, Retry-After, Location, Allow, X-*, Set-Cookie),
body}; or "exception" when the client raised.
"""

import datetime
import hashlib
import json
import os
import re
from urllib.parse import parse_qsl, quote_plus

import pytest

RECORD_PATH = os.environ.get("WIRE_RECORD")
PREFIXES = ("/api/", "/oauth/", "/docs/")
# Longer bodies are shown as a digest; WIRE_BODY_LIMIT=1000000 shows them, to see what changed.
BODY_LIMIT = int(os.environ.get("WIRE_BODY_LIMIT") or 4096)
REPLY_HEADERS = ("content-type", "www-authenticate", "retry-after", "location", "allow")
# Request headers that carry a secret: shown as a placeholder, the same one as the value
# wherever else it appears in the test (a reply body that handed it out, a later request).
SECRET_HEADERS = ("HTTP_X_AUTH_TOKEN", "HTTP_X_USER_ID")
IGNORED_REQUEST_HEADERS = ("HTTP_COOKIE",)


class _State:
    node = None  # the running test's node id
    count = 0  # requests recorded in it so far
    values = {}  # volatile value -> placeholder, for the running test
    kinds = {}  # kind -> how many placeholders of it so far
    file = None


state = _State()


# ---------------------------------------------------------------- normalization

# Keys whose string value is a secret or a random identifier, wherever they sit: a JSON body
# (request or reply), a form, a query string, an HTML hidden input. Whole key, any case.
SECRET_KEYS = re.compile(
    r"(?i)^(?:.*_)?(?:token|secret|password|api_?key|api_?secret|auth_?token|authToken|"
    r"bearer|code|challenge|verifier|client_id|key|csrf|csrfmiddlewaretoken|wsuk|state|nonce|"
    r"jti|sessionid|csrftoken|id)$"
    r"|^[a-z]+[A-Z][A-Za-z]*Id$"  # customUserStatusId, userId
)
# A value is taken for a secret only if it looks made up: long enough and with a digit, or
# long, or a mix of cases without a space. "password" as a password is kept as text (it
# would replace every word "password").
SECRET_LOOKS = re.compile(r"^(?=.*\d).{8,}$|^.{20,}$|^(?=.*[a-z])(?=.*[A-Z])\S{12,}$", re.DOTALL)

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_ISO = (
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
    r"(?:Z|[+-]\d{2}:?\d{2}|\b)"
)
_HTTP_DATE = (
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|"
    r"Dec) (\d{4}) \d{2}:\d{2}:\d{2} GMT"
)
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# Dates and times this near today are taken as made by the run (now, now + an expiry);
# fixed dates written in a test stay as they are.
NEAR_DAYS = 800


def _near(year, month, day):
    try:
        found = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return abs((found - datetime.date.today()).days) <= NEAR_DAYS


def _time(match):
    """A time made by the run, as its shape: every digit a 9, so its format (precision,
    offset) stays on the record but its value does not. Not numbered: whether two fields hold
    the same microsecond (created and updated) varies from run to run."""
    text = match.group(0)
    if not _near(text[0:4], text[5:7], text[8:10]):
        return text
    return "<time " + re.sub(r"\d", "9", text) + ">"


def _http_date(match):
    day, month, year = match.groups()
    return "<http-date>" if _near(year, _MONTHS.index(month) + 1, day) else match.group(0)


def _date(match):
    return "<date>" if _near(*match.groups()) else match.group(0)


def _year_month(match):
    """2026/12 in an upload's path (upload_to="%Y/%m")."""
    return "<yyyy>/<mm>" if _near(*match.groups(), 1) else match.group(0)


def _epoch(match):
    """Milliseconds or seconds since 1970 near now (LivePerson's serverCurrentTime)."""
    text = match.group(0)
    seconds = int(text) / (1000 if len(text) == 13 else 1)
    try:
        day = datetime.datetime.fromtimestamp(seconds, datetime.UTC).date()
    except (OverflowError, OSError, ValueError):
        return text
    if not _near(day.year, day.month, day.day):
        return text
    return "<epoch-ms>" if len(text) == 13 else "<epoch-s>"


def _numbered(kind):
    return lambda match: placeholder(kind, match.group(0))


# Applied in this order, after the registered secrets.
PATTERNS = [
    (re.compile(_UUID), _numbered("uuid")),
    (re.compile(_ISO), _time),
    (re.compile(_HTTP_DATE), _http_date),
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"), _date),
    (re.compile(r"(?<=/)(20\d\d)/(\d\d)(?=/)"), _year_month),
    (re.compile(r"(?<![\w.])1[5-9]\d{8}(?:\d{3})?(?![\w.])"), _epoch),
    # Random file names and hashes: 32 or 64 hex digits (uploads, csrf, digests).
    (re.compile(r"(?<![0-9a-fA-F])(?:[0-9a-f]{64}|[0-9a-f]{32})(?![0-9a-fA-F])"), _numbered("hex")),
    # Anything else long and random-looking: upper and lower case and a digit, 22 or more
    # (Django's csrf token in a page, an OAuth code or token, secrets.token_urlsafe).
    (
        re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[a-z])(?=[\w-]*[A-Z])[\w-]{22,}(?![\w-])"),
        _numbered("random"),
    ),
    # Rocket.Chat's Random.id(): 17 of its alphabet, with a digit (ids without one are
    # caught by their key: _id, customUserStatusId).
    (
        re.compile(
            r"(?<![A-Za-z0-9_-])(?=[A-Za-z]*\d)[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}"
            r"(?![A-Za-z0-9_-])"
        ),
        _numbered("id"),
    ),
]

MULTIPART_FIELD = re.compile(
    r'Content-Disposition: form-data; name="([^"]+)"\r\n\r\n(.*?)\r\n--', re.DOTALL
)
HIDDEN_INPUT = re.compile(r'name="([^"]+)" value="([^"]*)"')


def placeholder(kind, value):
    """The placeholder of `value` in this test, made on first sight."""
    known = state.values.get(value)
    if known is not None:
        return known
    state.kinds[kind] = state.kinds.get(kind, 0) + 1
    made = f"<{kind}-{state.kinds[kind]}>"
    state.values[value] = made
    return made


def learn(value, kind="token"):
    """Register a secret seen in a structured place."""
    if isinstance(value, str) and value not in state.values and SECRET_LOOKS.match(value):
        placeholder(kind, value)


def learn_pairs(pairs):
    for key, value in pairs:
        if SECRET_KEYS.match(key):
            learn(value)
        elif value[:1] in "{[":  # a JSON query parameter: ?query={"_id": "..."}
            learn_text(value, "application/json")


def learn_json(data):
    """Walk a parsed JSON body and register the strings held under secret keys."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and SECRET_KEYS.match(str(key)):
                learn(value)
            else:
                learn_json(value)
    elif isinstance(data, list):
        for value in data:
            learn_json(value)


def learn_text(text, content_type):
    """Register the secrets in a body (JSON, multipart, form, HTML) or a query string."""
    if not text:
        return
    content_type = (content_type or "").lower()
    if "json" in content_type:
        try:
            learn_json(json.loads(text))
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python goes
            return
    elif "multipart/form-data" in content_type:
        learn_pairs(MULTIPART_FIELD.findall(text))
    elif "html" in content_type:
        learn_pairs(HIDDEN_INPUT.findall(text))
    elif "x-www-form-urlencoded" in content_type or not content_type:
        learn_pairs(parse_qsl(text, keep_blank_values=True))


def scrub(text):
    """Replace every volatile value in `text`: the registered secrets (longest first, so a
    token is not cut by a shorter one it contains; also as URL-encoded), then the patterns."""
    if not text:
        return text
    for value in sorted(state.values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, state.values[value])
        quoted = quote_plus(value)
        if quoted != value and quoted in text:
            text = text.replace(quoted, state.values[value])
    for pattern, replace in PATTERNS:
        text = pattern.sub(replace, text)
    return text


# ---------------------------------------------------------------- records


def scrub_all(value):
    return [scrub(item) for item in value] if isinstance(value, list) else scrub(value)


def _digest(data):
    return f"<{len(data)} bytes sha256:{hashlib.sha256(data).hexdigest()[:16]}>"


def body_text(raw):
    """A body as text, or None if it is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def body_field(raw, text):
    """What the record shows of a body: its scrubbed text, or for a binary body or a text
    longer than BODY_LIMIT (after scrubbing), its length and digest."""
    if text is None:
        return _digest(raw)
    text = scrub(text)
    encoded = text.encode("utf-8")
    return _digest(encoded) if len(encoded) > BODY_LIMIT else text


def request_headers(environ):
    shown = {}
    for name in sorted(environ):
        if not name.startswith("HTTP_") or name in IGNORED_REQUEST_HEADERS:
            continue
        value = str(environ[name])
        header = name[5:].replace("_", "-").title()
        if name == "HTTP_AUTHORIZATION":
            scheme = value.split(" ", 1)[0]
            value = scheme + (" …" if " " in value else "")
        elif name in SECRET_HEADERS:
            learn(value)
        shown[header] = value
    if environ.get("HTTP_COOKIE"):
        names = sorted(part.split("=", 1)[0].strip() for part in environ["HTTP_COOKIE"].split(";"))
        shown["Cookie"] = "; ".join(n for n in names if n)
    return shown


def reply_headers(response):
    shown = {}
    for name, value in response.items():
        lower = name.lower()
        if lower in REPLY_HEADERS or lower.startswith("x-"):
            shown[name] = value
    if response.cookies:
        # Each cookie set, with its attributes; its value is a secret (or empty to delete it).
        for morsel in response.cookies.values():
            learn(morsel.value)
        shown["Set-Cookie"] = [m.OutputString() for _, m in sorted(response.cookies.items())]
    return shown


def reply_body(response):
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
        response.streaming_content = [raw]
    else:
        raw = response.content
    return raw


def make_record(environ, raw_request, response):
    path = environ.get("PATH_INFO", "/")
    path = path.encode("iso-8859-1").decode("utf-8", "backslashreplace")
    query = environ.get("QUERY_STRING", "")
    learn_text(query, None)
    if query:
        path = f"{path}?{query}"
    req_type = environ.get("CONTENT_TYPE") or None
    headers = request_headers(environ)
    req_text = body_text(raw_request)
    learn_text(req_text, req_type)

    record = {
        "test": state.node,
        "n": state.count,
        "method": environ.get("REQUEST_METHOD", "GET"),
        "path": scrub(path),
        "request": {
            "content_type": req_type,
            "headers": {k: scrub(v) for k, v in headers.items()},
            "body": body_field(raw_request, req_text),
        },
    }
    if isinstance(response, BaseException):
        record["exception"] = type(response).__name__
        return record
    raw_reply = reply_body(response)
    reply_text = body_text(raw_reply)
    learn_text(reply_text, response.get("Content-Type"))
    learn_text(response.get("Location", "").partition("?")[2], None)
    headers = {k: scrub_all(v) for k, v in reply_headers(response).items()}
    body = body_field(raw_reply, reply_text)
    if response.status_code == 429:
        headers, body = throttle_wait(headers, body)
    record["status"] = response.status_code
    record["reply"] = {"headers": headers, "body": body}
    return record


THROTTLE_TEXT = re.compile(r"(available in )(\d+)( seconds?)")


def throttle_wait(headers, body):
    """A throttle's wait counts down with the clock (60 or 59 by when the request lands):
    a Retry-After under 300 s, and the same number in the body's "available in N seconds",
    become <seconds>. A lockout's fixed cool-off (900) is kept."""
    wait = headers.get("Retry-After", "")
    if wait.isdigit() and int(wait) < 300:
        headers = {**headers, "Retry-After": "<seconds>"}
    body = THROTTLE_TEXT.sub(lambda m: m.group(1) + "<seconds>" + m.group(3), body)
    return headers, body


def _wrap_request(original):
    from django.test.client import FakePayload

    def request(self, **request):
        environ = {**self.defaults, **request}
        path = environ.get("PATH_INFO", "")
        if state.file is None or not path.startswith(PREFIXES):
            return original(self, **request)
        raw = b""
        payload = request.get("wsgi.input")
        if isinstance(payload, FakePayload):
            # All of it, whatever CONTENT_LENGTH says (tests send wrong ones on purpose), and
            # a fresh payload holding the same bytes for the request.
            raw = payload.read()
            request["wsgi.input"] = FakePayload(raw)
        try:
            response = original(self, **request)
        except BaseException as error:
            write(environ, raw, error)
            raise
        write(environ, raw, response)
        return response

    request.__wrapped__ = original
    return request


def write(environ, raw, response):
    """Append the record; the recorder never fails a test (a failure of its own is
    recorded by name)."""
    try:
        record = make_record(environ, raw, response)
    except Exception as error:
        record = {"test": state.node, "n": state.count, "recorder_error": type(error).__name__}
    state.count += 1
    state.file.write(json.dumps(record, ensure_ascii=False) + "\n")
    state.file.flush()


# ---------------------------------------------------------------- pytest hooks


def pytest_configure(config):
    if not RECORD_PATH:
        return
    from django.test import Client

    if not hasattr(Client.request, "__wrapped__"):
        Client.request = _wrap_request(Client.request)
    state.file = open(RECORD_PATH, "a", encoding="utf-8")  # noqa: SIM115


def pytest_unconfigure(config):
    if state.file is not None:
        state.file.close()
        state.file = None


def reset_factory_sequences():
    """Each test's factory_boy sequences start at 0, as when it runs alone: "agent12" or
    "Status 7" then depend on the test, not on how many tests ran before it (a refactor
    adds tests)."""
    try:
        import factory
    except ImportError:
        return
    pending, seen = [factory.base.Factory], set()
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            pending.append(sub)
            if not sub._meta.abstract:
                sub.reset_sequence(0, force=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    state.node, state.count, state.values, state.kinds = item.nodeid, 0, {}, {}
    if state.file is not None:
        reset_factory_sequences()
    yield
    state.node = None
