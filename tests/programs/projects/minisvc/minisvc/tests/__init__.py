import eventlet

# As in many OpenStack projects: the whole test package runs monkey-patched.
eventlet.monkey_patch()
