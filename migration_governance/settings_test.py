"""Settings for the test suite: the production settings, with the budgets a busy machine
could break relaxed (each test about a budget sets its own) and a fast password hasher. (The cache
is Django's default, local memory, as in production settings.)

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
