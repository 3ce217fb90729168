"""What the runbooks share: where a group runs (locate), its lock, the watchdog, the bounds, the judges of a
router's NIC and routes."""
