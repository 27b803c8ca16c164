"""What `eventlet.green.urllib` was: `request` here is a cooperative `urllib.request`."""
