"""Kerong-style (KR-CU16 family) lock boards: the pure codec and the device on a serial bus."""
