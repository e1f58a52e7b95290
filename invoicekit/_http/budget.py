"""The client-wide retry budget: a token bucket that retries draw from and successes refill.

The same scheme as the AWS SDKs' "standard" retry mode. Each client starts with ``capacity``
tokens (500). A retry costs 5 tokens, or 10 after a timeout (a timeout ties up a connection for
the whole ``timeout`` and is the likeliest sign of an overloaded server). A call that succeeds
at its first try puts 1 token back; one that succeeds after retrying gives back what its last
retry cost. With the bucket empty, failures are raised at once instead of retried.

So against a server that is down, retries add at most ``capacity / 5`` requests (100) to the
calls' own first tries, however many calls there are, while a server that fails now and then
keeps a full bucket: the successes refill it faster than the retries drain it. Every call of a
client, its ``with_options`` views and its token refreshes share one bucket.
"""

from __future__ import annotations

RETRY_COST = 5
TIMEOUT_RETRY_COST = 10
SUCCESS_REFILL = 1


class RetryBudget:
    def __init__(self, capacity: int) -> None:
        if capacity < 0:
            raise ValueError("capacity must be >= 0")
        self.capacity = capacity
        self.available = capacity

    def withdraw(self, *, timeout: bool) -> int | None:
        """Take the cost of one retry; None (and nothing taken) when the bucket cannot pay it."""
        cost = TIMEOUT_RETRY_COST if timeout else RETRY_COST
        if cost > self.available:
            return None
        self.available -= cost
        return cost

    def on_success(self, last_retry_cost: int) -> None:
        """A call succeeded: refund its last retry's cost, or refill a token if it never retried."""
        self.available = min(self.capacity, self.available + (last_retry_cost or SUCCESS_REFILL))

    def __repr__(self) -> str:
        return f"RetryBudget({self.available}/{self.capacity})"
