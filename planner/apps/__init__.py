"""Front ends: the kp-plan command, the dashboards' and notebooks' widgets, scenario edits, synthetic scenarios."""
