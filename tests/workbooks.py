"""Small .xlsx files built in memory with openpyxl, for the workbook reader tests: `make_workbook` lives in the
shared test data factory (`tests.factory`); this module keeps the name the reader tests import."""

from tests.factory import make_workbook

__all__ = ["make_workbook"]
