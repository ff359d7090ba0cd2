""" "8A/80" XOR lock boards: the pure codec and the device on a serial bus."""
