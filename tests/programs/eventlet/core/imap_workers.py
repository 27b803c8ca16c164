"""A worker pool: GreenPool.imap keeps input order and bounds concurrency."""

from eventlet import GreenPool, sleep

state = {"active": 0, "peak": 0}


def resize(job):
    state["active"] += 1
    state["peak"] = max(state["peak"], state["active"])
    try:
        sleep(0.002 * (8 - job % 8))  # later jobs finish first
        return f"image-{job}: {job * 10}x{job * 5}"
    finally:
        state["active"] -= 1


def area(width, height):
    sleep(0.001)
    return width * height


def main():
    pool = GreenPool(size=4)
    for line in pool.imap(resize, range(10)):
        print(line)
    print("peak concurrency:", state["peak"])
    print("areas:", list(pool.starmap(area, [(2, 3), (4, 5), (6, 7)])))
    print("free after:", pool.free(), "running:", pool.running())


if __name__ == "__main__":
    main()
