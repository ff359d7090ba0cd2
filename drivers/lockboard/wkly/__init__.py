"""The "WKLY" lock boards (frames start with the ASCII bytes W K L Y)."""
