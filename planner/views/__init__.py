"""What people see, as pure functions (no widgets): one view model of a plan (``plan_view``), maps (``maps``),
timelines (``timeline``), the dashboards' HTML pieces (``html``) and loading (``loading``), the coordinators'
tables (``tables``), plan comparison (``comparison``), the regional-approach view (``regional``), labels in
English and French (``i18n``) and the colours of every view (``palette``)."""
