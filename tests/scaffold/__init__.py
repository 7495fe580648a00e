"""Tests of ``ppid-gateway new-connector`` and the packages it writes."""
