"""Reporters: each renders one `GateResult` to a text stream; the registry (`registry`) is
the one list of ``--format`` choices.

=========  ===========================================================================
text       compiler-style lines and a per-system verdict (colour on a terminal)
json       the stable JSON form documented in docs/gate-json.md (the review site reads it)
sarif      SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs)
junit      JUnit XML: one testcase per rule x system; waived findings are skipped
github     GitHub Actions workflow commands (annotations), plus a Markdown job summary
           appended to $GITHUB_STEP_SUMMARY when it is set
markdown   a summary sized for a pull-request comment
codequality  GitLab Code Quality JSON: findings on a merge request's changed lines
=========  ===========================================================================
"""
