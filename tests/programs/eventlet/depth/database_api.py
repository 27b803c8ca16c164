"""DatabaseAPI.get_user: a synchronous data-access method used by the layers above it."""

import eventlet

eventlet.monkey_patch()

USERS = {
    1: {"name": "ada", "email": "ada@example.org"},
    2: {"name": "grace", "email": "grace@example.org"},
    4: {"name": "linus", "email": "linus@example.org"},
}


class DatabaseAPI:
    """The project's data-access object."""

    def __init__(self, latency=0.005):
        self.latency = latency
        self.queries = 0

    def get_user(self, user_id):
        """Return the user row, or None when there is no such user."""
        eventlet.sleep(self.latency)  # the query's round-trip
        self.queries += 1
        return USERS.get(user_id)


class ProfileView:
    def __init__(self, db):
        self.db = db

    def render(self, user_id):
        user = self.db.get_user(user_id)
        if user is None:
            return f"#{user_id}: not found"
        return f"#{user_id}: {user['name']} <{user['email']}>"


def main():
    db = DatabaseAPI()
    view = ProfileView(db)
    pool = eventlet.GreenPool(2)
    for line in pool.imap(view.render, [1, 2, 3, 4]):
        print(line)
    print("direct:", db.get_user(2)["name"])
    print("queries:", db.queries)


if __name__ == "__main__":
    main()
