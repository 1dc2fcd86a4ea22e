"""Alle Projekte: every project of the selection in one table (underused first on request, filterable, exported like
every table), and the same figures per Träger and per target group."""

from ui.data import get_data
from ui.filters import current_selection
from ui.projects import projects_page

projects_page(get_data(), current_selection())
