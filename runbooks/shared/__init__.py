"""What the runbooks share: where a group runs (locate), the bounds, the judges of a router's NIC and routes."""
