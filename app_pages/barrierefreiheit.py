"""Erklärung zur Barrierefreiheit: compliance, what is not accessible and why, feedback contact, enforcement."""

from ui.accessibility_statement import statement_page

statement_page()
