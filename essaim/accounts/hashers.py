"""How passwords are stored: Argon2id with OWASP's baseline parameters.

Django's Argon2 defaults (100 MiB, 2 passes, 8 lanes) cost about half a CPU-second per login on a 2-core
server: twenty logins a minute then take a third of the machine and every page queues behind them
(`make loadtest`). OWASP's password storage cheat sheet recommends, as its first equivalent setting,
19 MiB of memory, 2 passes and 1 lane (about 60 ms here). Hashes made with other parameters still verify,
and are rewritten with these at the next successful login (Django's `must_update`).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
