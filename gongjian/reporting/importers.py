"""Legacy spreadsheets of past reports (filled in below)."""
