"""Files: CSV tables, scenario and plan folders, atomic writes, cross-file reference checks."""
