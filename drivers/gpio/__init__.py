"""GPIO parts of a small cabinet, as gpiozero devices: relay locks with reed switches, the status
light, the buzzer, the service-door switch and the presence sensor. Each takes `pin_factory=`."""
