"""What people see: one view model of a plan, maps, timelines, labels in English and French."""
