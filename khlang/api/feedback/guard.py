"""What keeps spam and abuse out of public feedback, with no third-party service and no
script in the browser:

* a challenge a person answers and a form-filling bot does not: a sum written in words in
  the page's language ("สาม บวก สี่", "three plus four"), answered in digits. The numbers are
  derived from a keyed hash of a nonce, so the token carried by the form reveals nothing;
  any server process sharing the catalog's home checks it (the key is a file there). Each
  token lets one post through: one answered by a person cannot be replayed by a script;
* a honeypot field, hidden from people by the style sheet, that bots fill in;
* posting limits per IP address, tighter than the API's (`FeedbackSettings.limits`), in the
  same `limits` storage as the API's (memory, or Redis shared by workers);
* size limits on every body and field (the catalog's `feedback_text`);
* the moderation queue for anything with a link (the catalog decides).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from pydantic import BaseModel
from starlette.requests import Request

from khlang.api.errors import ApiError
from khlang.api.feedback_settings import FeedbackSettings
from khlang.i18n import Text
from khlang.thai import TO_ARABIC_DIGITS

HONEYPOT = "website"
"""The field people never see (`.hp` in site.css) and bots fill in."""
WORDS_TH = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
WORDS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class Challenge(BaseModel):
    question: Text
    token: str


class Guard:
    def __init__(self, settings: FeedbackSettings, storage: str, key_file: Path) -> None:
        self.settings = settings
        self.key = _key(key_file)
        text = settings.limits.strip().lower()
        self.limits: list[RateLimitItem] = (
            [] if text in ("off", "none", "0") else parse_many(settings.limits)
        )
        uri = storage if storage.startswith("async+") else f"async+{storage}"
        self.storage = storage_from_string(uri)
        self.limiter = MovingWindowRateLimiter(self.storage)

    # --- the challenge --------------------------------------------------------------------

    def challenge(self) -> Challenge:
        issued = int(time.time())
        nonce = secrets.token_hex(8)
        payload = f"{issued}.{nonce}"
        first, second = self._numbers(payload)
        question = Text(
            th=f"{WORDS_TH[first]} บวก {WORDS_TH[second]} เท่ากับเท่าไร (ตอบเป็นตัวเลข)",
            en=f"What is {WORDS_EN[first]} plus {WORDS_EN[second]}? (answer in digits)",
        )
        return Challenge(question=question, token=f"{payload}.{self._sign(payload)}")

    async def check(
        self, token: str | None, answer: str | None, honeypot: str | None = None
    ) -> None:
        """Raises a 403 naming `challenge_answer` unless the answer is right and the token
        is this site's, unexpired and not used before; a filled honeypot is refused the same
        way. (403, not 400: the request is well formed, the caller has not shown it is a
        person.) A token is spent only by a right answer, so a mistyped answer can be
        corrected on the same page."""
        if honeypot:
            raise _refused(HONEYPOT)
        payload, _, signature = (token or "").rpartition(".")
        issued = payload.partition(".")[0]
        if not (
            payload and issued.isdecimal() and hmac.compare_digest(signature, self._sign(payload))
        ):
            raise _refused("challenge")
        if time.time() - int(issued) > self.settings.challenge_seconds:
            raise _open_again(Text(th="คำถามยืนยันหมดอายุ", en="the challenge has expired"))
        given = (answer or "").strip().translate(TO_ARABIC_DIGITS)
        if not given.isdecimal() or int(given) != sum(self._numbers(payload)):
            raise _refused("challenge_answer")
        # Spent in the limits' storage, which every worker shares (memory, or Redis), and
        # kept as long as the token could still be accepted.
        spent = f"feedback-challenge/{signature}"
        if await self.storage.incr(spent, self.settings.challenge_seconds) > 1:
            raise _open_again(
                Text(th="คำถามยืนยันนี้ถูกใช้ไปแล้ว", en="this challenge has been answered already")
            )

    def _numbers(self, payload: str) -> tuple[int, int]:
        digest = hmac.new(self.key, b"numbers:" + payload.encode(), hashlib.sha256).digest()
        return digest[0] % 9 + 1, digest[1] % 9 + 1

    def _sign(self, payload: str) -> str:
        return hmac.new(self.key, b"token:" + payload.encode(), hashlib.sha256).hexdigest()[:32]

    # --- limits ---------------------------------------------------------------------------

    async def hit(self, request: Request) -> None:
        """Count one post from the caller's address; 429 with Retry-After past a limit."""
        client = request.client.host if request.client else "unknown"
        for limit in self.limits:
            if not await self.limiter.hit(limit, "feedback", client):
                stats = await self.limiter.get_window_stats(limit, "feedback", client)
                wait = max(1, int(stats.reset_time - time.time()) + 1)
                raise ApiError(
                    Text(
                        th=f"ส่งข้อความถี่เกินกำหนด ({limit}) กรุณาลองใหม่ในอีก {wait} วินาที",
                        en=f"too many posts ({limit}); try again in {wait} s",
                    ),
                    code="rate_limited",
                    status=429,
                    headers={"Retry-After": str(wait)},
                )


def _refused(parameter: str) -> ApiError:
    return ApiError(
        Text(
            th="คำตอบของคำถามยืนยันไม่ถูกต้อง กรุณาตอบเป็นตัวเลข",
            en="the answer to the challenge is wrong; answer in digits",
        ),
        code="bad_challenge",
        status=403,
        parameter=parameter,
    )


def _open_again(why: Text) -> ApiError:
    """A token that can no longer be accepted, whatever the answer: a new page brings a new one."""
    return ApiError(
        Text(th=f"{why.th} กรุณาเปิดหน้าใหม่", en=f"{why.en}; open the page again"),
        code="bad_challenge",
        status=403,
        parameter="challenge",
    )


def _key(path: Path) -> bytes:
    """The site's challenge key: created once, with owner-only permissions, then shared by
    every process serving this catalog home."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it this very moment
            key = path.read_bytes()
            if len(key) == 32:
                return key
            time.sleep(0.01)
        raise
    key = secrets.token_bytes(32)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key
