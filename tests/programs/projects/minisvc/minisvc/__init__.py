"""A small eventlet service, in the shape of an OpenStack service: a thread group, a
looping call, a WSGI server and a launcher that forks workers, with its own tests."""
