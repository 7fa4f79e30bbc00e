"""checkin-desk: entrance desks for Smart City Expo Casablanca."""

__version__ = "0.1.0"
