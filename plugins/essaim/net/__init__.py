"""What Essaim fetches over the network, through one client (http.py). The build never imports it."""
