"""Small helpers shared by apps: file serving, paging, transaction units, admin search. Imports no app.

Whatever two apps of different layers both need lives here (or in the lower app that owns it), so that no app
imports another's views to borrow a function.
"""
