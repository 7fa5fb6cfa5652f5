"""Talking to a vendor's API: httpx for the connection, timeouts and auth, one retry policy
(429 and 5xx retried with backoff, honouring `Retry-After`), one clear line for every answer a
user can cause (a wrong key, an unknown site, a page that is not JSON, a server that keeps
failing), and the pagination styles the six APIs use.

Keys go into request headers only: messages name the vendor, the host and the path, never the
key, and any text that came back is scrubbed of the key before it is shown.
"""

import email.utils
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import httpx

from aftermath.errors import InputError
from aftermath.progress import Progress

# Statuses worth asking again: rate limited, or the server failing for now.
RETRY_STATUSES = (429, 500, 502, 503, 504)
TIMEOUT = httpx.Timeout(60.0, connect=15.0)
ATTEMPTS = 6
BACKOFF_SECONDS = 2.0  # doubled after each failed attempt when the server names no wait
LONGEST_WAIT_SECONDS = 600.0


class PullError(InputError):
    """A pull that cannot go on; the message is one plain line without any key in it."""


@dataclass(frozen=True)
class Call:
    """One request: method, absolute URL or path below the API's root, query, JSON body."""

    path: str
    params: dict = field(default_factory=dict)
    body: dict | None = None
    method: str = "GET"


class Api:
    """One vendor's API root, with its auth, and the retry policy every request goes through."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        progress: Progress,
        *,
        auth: httpx.Auth | tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
        secrets: tuple[str, ...] = (),
        not_found: str = "",
        unauthorized: str = "",
        backoff: float = BACKOFF_SECONDS,
    ) -> None:
        self.vendor = vendor
        self.progress = progress
        self.secrets = tuple(s for s in secrets if s)
        self.not_found = not_found
        self.unauthorized = unauthorized
        self.backoff = backoff
        self.requests = 0
        self.client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            auth=auth,
            headers={"Accept": "application/json", **(headers or {})},
            timeout=TIMEOUT,
            follow_redirects=True,
        )

    def __enter__(self) -> "Api":
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def json(self, call: Call) -> dict:
        """The JSON object the API answers `call` with, after retries; PullError otherwise."""
        response = self._send(call)
        where = self._where(response.request.url)
        try:
            page = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            kind = response.headers.get("content-type", "no content type").split(";")[0]
            start = self._scrub(response.text[:60].strip()).replace("\n", " ")
            raise PullError(
                f"{self.vendor}: {where} answered with {kind}, not JSON (it starts "
                f"'{start}'): is the address right? {self.not_found}".rstrip()
            ) from None
        if not isinstance(page, dict):
            raise PullError(f"{self.vendor}: {where} answered with JSON that is not an object")
        return page

    def _send(self, call: Call) -> httpx.Response:
        path = call.path if "://" in call.path else call.path.lstrip("/")
        wait = self.backoff
        for attempt in range(1, ATTEMPTS + 1):
            self.requests += 1
            try:
                response = self.client.request(
                    call.method, path, params=call.params or None, json=call.body
                )
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as e:
                raise PullError(f"{self.vendor}: not a web address ({e})") from None
            except httpx.ConnectError as e:
                host = httpx.URL(str(self.client.base_url)).host
                raise PullError(
                    f"{self.vendor}: could not reach {host} ({self._scrub(str(e))}). "
                    f"{self.not_found}".rstrip()
                ) from None
            except (httpx.TimeoutException, httpx.TransportError) as e:
                if attempt == ATTEMPTS:
                    raise PullError(
                        f"{self.vendor}: {self._where(self.client.base_url.join(path))} did not "
                        f"answer after {ATTEMPTS} tries ({type(e).__name__}); try again later"
                    ) from None
                self._pause(wait, f"no answer ({type(e).__name__})")
                wait *= 2
                continue
            if response.status_code in RETRY_STATUSES and attempt < ATTEMPTS:
                named = retry_after(response)
                self._pause(
                    named if named is not None else wait,
                    "rate limited (429)"
                    if response.status_code == 429
                    else f"server error ({response.status_code})",
                )
                wait *= 2
                continue
            if response.is_success:
                return response
            raise PullError(self._refusal(response, attempt))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _pause(self, seconds: float, why: str) -> None:
        seconds = min(max(seconds, 0.0), LONGEST_WAIT_SECONDS)
        self.progress.note(f"{self.vendor}: {why}, waiting {seconds:.0f} s")
        time.sleep(seconds)

    def _refusal(self, response: httpx.Response, attempt: int) -> str:
        status = response.status_code
        where = self._where(response.request.url)
        said = self._scrub(api_message(response))
        said = f": {said}" if said else ""
        if status in (401, 403):
            return f"{self.vendor}: unauthorized ({status}){said}. {self.unauthorized}".rstrip()
        if status == 404:
            return f"{self.vendor}: {where} not found (404){said}. {self.not_found}".rstrip()
        if status in RETRY_STATUSES:
            return (
                f"{self.vendor}: {where} still failing after {attempt} tries "
                f"({status}{said}); try again later"
            )
        return f"{self.vendor}: {where} refused the request ({status}){said}"

    def _where(self, url: httpx.URL) -> str:
        """The host and path of a URL, without its query (which may carry a cursor)."""
        return self._scrub(f"{url.host}{url.path}")

    def _scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asks us to wait: `Retry-After` (seconds or a date), else a
    `retry_after` in a JSON body (incident.io), else None."""
    said = response.headers.get("retry-after")
    if said is None:
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if isinstance(body, dict):
            limit = body.get("rate_limit")
            said = body.get("retry_after") or (
                limit.get("retry_after") if isinstance(limit, dict) else None
            )
    if said is None:
        return None
    said = str(said).strip()
    try:
        return float(said)
    except ValueError:
        pass
    try:
        at = email.utils.parsedate_to_datetime(said)
    except (TypeError, ValueError):
        try:
            at = datetime.fromisoformat(said.replace("Z", "+00:00"))
        except ValueError:
            return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return (at - datetime.now(UTC)).total_seconds()


def api_message(response: httpx.Response) -> str:
    """The API's own words about a refused request, when it gives any (one line, short)."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ""
    found: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for key in ("message", "description", "detail", "error", "errors", "errorMessages"):
                if key in value:
                    collect(value[key])

    collect(body)
    return "; ".join(dict.fromkeys(" ".join(s.split()) for s in found if s))[:300]


# Pagination: each style says, from a page and the call that fetched it, what to ask next
# (None at the end). `pages` follows one to the end.
NextCall = Callable[[dict, Call], Call | None]


def pages(api: Api, first: Call, following: NextCall) -> Iterator[dict]:
    """Every page from `first` on, each asked for as `following` says; an API that names a page
    it already gave (a cursor that does not move) is stopped, not followed for ever."""
    call: Call | None = first
    seen: set[str] = set()
    while call is not None:
        asked = json.dumps([call.method, call.path, call.params, call.body], sort_keys=True)
        if asked in seen:
            raise PullError(
                f"{api.vendor}: the API named a page it had already given "
                f"({api._where(api.client.base_url.join(call.path))}); stopped there"
            )
        seen.add(asked)
        page = api.json(call)
        yield page
        call = following(page, call)


def next_link(
    link: str, done: Callable[[dict], bool] = lambda page: False, carry: tuple[str, ...] = ()
) -> NextCall:
    """A page names the next one's URL under `link` (Zendesk `after_url`, `next_page`); the
    last page has none, or says so (`done`, e.g. Zendesk's `end_of_stream`). The parameters
    named in `carry` (a side-load) go on to the next call when its URL leaves them out."""

    def following(page: dict, call: Call) -> Call | None:
        url = page.get(link)
        if not url or done(page):
            return None
        asked = dict(httpx.URL(call.path).params) | call.params
        given = httpx.URL(url).params
        kept = {k: asked[k] for k in carry if k in asked and k not in given}
        # The parameters join the URL's own: httpx's `params` would replace its query.
        return Call(str(httpx.URL(url).copy_merge_params(kept)), method=call.method, body=call.body)

    return following


def offset_more(limit: int) -> NextCall:
    """`offset` grows by the page's `limit` (the one asked for, unless the page says it served
    fewer) while the page says `more` (PagerDuty)."""

    def following(page: dict, call: Call) -> Call | None:
        if not page.get("more"):
            return None
        offset = int(call.params.get("offset", 0)) + int(page.get("limit") or limit)
        return replace(call, params={**call.params, "offset": offset})

    return following


def body_cursor(where: tuple[str, ...], param: str, in_body: tuple[str, ...] = ()) -> NextCall:
    """The page names a cursor at the path `where` (incident.io `pagination_meta.after`, Jira
    `nextPageToken`, Intercom `pages.next.starting_after`); the next call sends it as the query
    parameter `param`, or inside the JSON body at the path `in_body` (a search POST)."""

    def following(page: dict, call: Call) -> Call | None:
        cursor: object = page
        for key in where:
            cursor = cursor.get(key) if isinstance(cursor, dict) else None
        if not cursor:
            return None
        if not in_body:
            return replace(call, params={**call.params, param: cursor})
        body = json.loads(json.dumps(call.body or {}))
        inner = body
        for key in in_body:
            inner = inner.setdefault(key, {})
        inner[param] = cursor
        return replace(call, body=body)

    return following


def listed(api: Api, page: dict, key: str) -> list[dict]:
    """The records a page lists under `key`; PullError when the answer is some other JSON."""
    found = page.get(key)
    if not isinstance(found, list):
        keys = ", ".join(sorted(page)[:8]) or "none"
        raise PullError(
            f"{api.vendor}: the answer holds no '{key}' list (its keys: {keys}): is the "
            f"address the API's root? {api.not_found}".rstrip()
        )
    return found
