"""Content checks: word count, reading time, reading grade, long sentences and medical terms with
plainer alternatives, for each text of a page and for the whole page.

Advice for editors and reviewers, never a gate: nothing in the workflow or the publish gate reads
these checks. A Django app (label ``contentchecks``): the term list is its one model, editors
extend it in the admin, and the editor's live panel asks its endpoint (``views.py``). It knows no
content app: it is given texts, and renders them with the one renderer.
"""
