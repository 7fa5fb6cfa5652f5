"""The errors a user can cause, caught at the edge (the CLI, a page) and said in plain words."""


class InputError(Exception):
    """Bad input the user can fix; the message says which file and what to do."""


class SourceError(Exception):
    """A vendor export that cannot be read as that vendor's; the message names the file."""
