"""Workers that may crash, with eventlet's hub told not to print their tracebacks.

eventlet.debug has no asyncio counterpart: a converter reports it and leaves it in place.
"""

import eventlet
import eventlet.debug

eventlet.debug.hub_exceptions(False)


def check_disk(name, free_gb):
    eventlet.sleep(0.001 * free_gb)
    if free_gb < 5:
        raise RuntimeError(f"{name}: only {free_gb} GB free")
    return f"{name}: ok"


def main():
    disks = {"sda": 40, "sdb": 3, "sdc": 12}
    checks = {name: eventlet.spawn(check_disk, name, free) for name, free in disks.items()}
    for check in checks.values():
        try:
            print(check.wait())
        except RuntimeError as exc:
            print("alert:", exc)


if __name__ == "__main__":
    main()
