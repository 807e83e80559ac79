"""The rules: every hard rule and soft term, the independent checker, scoring, pre-checks, validation and
plan comparison."""
