"""blinksim: a local Blink cloud that real blinkpy talks to unchanged."""
