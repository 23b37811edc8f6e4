"""Shared primitives every stage uses: problems as data (problems), finding the project (project), the
digests that key caches (digests) and atomic writes of content files (atomic).
May import: nothing else from kb."""
