"""The "Sổ theo dõi và báo cáo" page (docs/logbook-and-reports.md): its own folder, ui/pages holds 20 modules at most."""
