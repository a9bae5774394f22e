"""The password hasher: Argon2id at OWASP's recommended cost.

Django's PBKDF2 (1,000,000 rounds) costs 0.23 s of CPU per login, so a morning when hundreds of grid workers log in
at once holds the server's two cores for minutes; Argon2id with 19 MiB and two passes costs 0.03 s and is harder, not
easier, to attack on GPUs because every guess needs the memory.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    # OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1. A stored hash with other costs is upgraded at the next login.
    time_cost = 2
    memory_cost = 19456
    parallelism = 1
