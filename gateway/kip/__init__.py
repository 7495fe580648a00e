"""The rules of UU KIP (UU 14/2008) and Perki 1/2021 that the request service follows.

Pure domain code: no database, no HTTP, no GraphQL.
"""
