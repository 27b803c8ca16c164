"""RPCClient.call_remote with a deadline, used by a manager class above it."""

import json

import eventlet

LATENCY = {"allocate": 0.004, "attach": 0.002, "resize": 1.0}


class RemoteError(Exception):
    pass


class RPCTimeout(Exception):
    pass


class LoopbackTransport:
    """Stands in for the message bus: each reply comes back after the method's latency."""

    def roundtrip(self, payload):
        message = json.loads(payload)
        eventlet.sleep(LATENCY.get(message["method"], 0.001))
        if message["method"] not in LATENCY:
            return json.dumps({"error": f"no such method: {message['method']}"})
        args = message["args"]
        return json.dumps({"result": f"{message['method']}({args['instance']}) ok"})


class RPCClient:
    def __init__(self, transport, timeout=0.05):
        self.transport = transport
        self.timeout = timeout

    def call_remote(self, method, **kwargs):
        payload = json.dumps({"method": method, "args": kwargs}, sort_keys=True)
        try:
            with eventlet.Timeout(self.timeout):
                raw = self.transport.roundtrip(payload)
        except eventlet.Timeout:
            raise RPCTimeout(f"{method} timed out after {self.timeout}s") from None
        reply = json.loads(raw)
        if "error" in reply:
            raise RemoteError(reply["error"])
        return reply["result"]


class ComputeManager:
    def __init__(self, rpc):
        self.rpc = rpc

    def build_instance(self, instance):
        steps = [self.rpc.call_remote(m, instance=instance) for m in ("allocate", "attach")]
        return f"{instance}: " + "; ".join(steps)

    def try_call(self, method, instance):
        try:
            return self.rpc.call_remote(method, instance=instance)
        except (RPCTimeout, RemoteError) as exc:
            return f"{type(exc).__name__}: {exc}"


def main():
    manager = ComputeManager(RPCClient(LoopbackTransport()))
    print(manager.build_instance("vm-1"))
    print(manager.try_call("resize", "vm-1"))
    print(manager.try_call("reboot", "vm-1"))
    builds = [eventlet.spawn(manager.build_instance, f"vm-{n}") for n in (2, 3)]
    for build in builds:
        print(build.wait())


if __name__ == "__main__":
    main()
