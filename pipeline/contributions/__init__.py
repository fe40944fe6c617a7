"""Contributions: proposals from three channels, one review queue, accepted into the sources.

    roadmap.py     filled Word roadmaps (.docx)  -> proposals (+ the section 4 plan rows)
    feedback.py    the feedback form as a filled PDF form -> proposals (+ respondent type and answers)
    web.py         proposal files (.json) saved from the web tool's "Propose" form -> proposals
    files.py       finding and vetting the files (sizes, zip bombs), one-line refusals
    matching.py    "probably the same as <id>": fuzzy match against existing examples and actions
    review.py      output/harvest/review.xlsx: write it (decision drop-downs), read it back for accept
    harvest.py     `invoke harvest`: every channel in one run, "later" rows carried over
    accept.py      `invoke accept`: the decisions applied to the CSV sources (diff, check, idempotent)

A proposal is data until an editor accepts it, as a pull request is until it is merged: the review
state lives in the review sheet, the accepted record carries its provenance (status `contributed`,
`contributed_by`, `contributed_via`, `contributed_on`, `contributed_from`) and `since`.
"""
