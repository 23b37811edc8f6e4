"""Shared primitives every stage uses: problems as data (problems), finding the project (project) and
the digests that key caches (digests).
May import: nothing else from kb."""
