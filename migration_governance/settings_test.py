"""Settings for the test suite: the production settings, with every budget, limit and
throttle a busy machine could break relaxed (each test about one sets its own) and a fast
password hasher. (The cache is Django's default, local memory, as in production settings.)

A test must never depend on how fast or busy the machine is: a list's count or a facet
left out because a shared CI machine was slow would fail a test that reads it, so the
budgets here are a minute; the tests of the budgets themselves make a query too slow
(or cancel it) rather than timing it.
"""

from migration_governance.settings import *  # noqa: F403

LIST_COUNT_BUDGET_MS = 60_000
FACET_BUDGET_MS = 60_000

# Hashing a password the production way costs a third of a second a login; the tests log
# in hundreds of times. (The hasher is not what they test.)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A page, an export or an API client cut off by the clock would fail a test on a busy
# machine that passes on an idle one: the tests of these limits set their own.
PAGE_TIME_LIMIT_SECONDS = 120.0
EXPORT_TIME_LIMIT_SECONDS = 600.0
API_ANON_RATE = ""
