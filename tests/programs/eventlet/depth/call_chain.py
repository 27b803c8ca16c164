"""The deep call chain: api_endpoint -> service_layer -> business_logic -> data_access_layer -> fetch_from_db.

Only the bottom of the chain touches I/O; everything above it is plain synchronous code.
"""

import eventlet


def fetch_from_db(params):
    eventlet.sleep(0.01)  # simulated database round-trip
    user_id = params["id"]
    return {"id": user_id, "name": f"user-{user_id}", "active": user_id % 2 == 1}


def data_access_layer(params):
    return eventlet.spawn(fetch_from_db, params).wait()


def business_logic(user_id):
    record = data_access_layer({"id": user_id})
    record["status"] = "active" if record["active"] else "inactive"
    return record


def service_layer(user_id):
    record = business_logic(user_id)
    return {"user": record["name"], "status": record["status"]}


def api_endpoint(request):
    result = service_layer(int(request["user_id"]))
    return {"code": 200, "body": result}


def main():
    for user_id in ("1", "2", "3"):
        print(api_endpoint({"user_id": user_id}))
    # A server would call the endpoint from many green threads at once.
    handlers = [eventlet.spawn(api_endpoint, {"user_id": str(n)}) for n in (4, 5, 6)]
    for handler in handlers:
        print(handler.wait())


if __name__ == "__main__":
    main()
