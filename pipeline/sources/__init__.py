"""Readers: one per kind of file. They return rows or documents with their Origin and know no rules."""
