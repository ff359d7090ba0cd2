"""Technician diagnostics: health checks, lock tests, self-test, restock, service switch and the
diagnostic bundle, for the technician screens and `kiosk diag`. No Kivy here.
"""
