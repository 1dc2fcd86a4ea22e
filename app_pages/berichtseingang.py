"""Berichtseingang: which district's report has come in for which Stichtag, who is late, and reminders."""

from ui.data import get_data
from ui.filters import current_selection
from ui.reporting import reporting_page

reporting_page(get_data(), current_selection())
