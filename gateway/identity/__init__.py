"""A requester's identity and personal data: NIK, contact details, their protection at rest.

Pure domain code: no database, no HTTP, no GraphQL. Personal data (UU 27/2022)
never appears in an exception message, a ``repr`` or a log line made here.
"""
