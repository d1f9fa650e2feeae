# python3-dbus client for the benchmark: N Echo calls; prints calls per second.
# argv: bus address, destination, object path, interface, N, [in-flight]
# prints: calls per second, then this process's CPU microseconds per call (measured part only)
# in-flight 1: blocking calls one after another; > 1: asynchronous calls (reply_handler) on a GLib main loop.
import sys
import time

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

address, dest, path, iface, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
in_flight = int(sys.argv[6]) if len(sys.argv) > 6 else 1
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.bus.BusConnection(address)
echo = bus.get_object(dest, path, introspect=False).get_dbus_method("Echo", iface)
for _ in range(min(1000, n)):
    echo("ping")

cpu_start = time.process_time()
if in_flight <= 1:
    start = time.perf_counter()
    for _ in range(n):
        if echo("ping") != "ping":
            raise SystemExit("bad reply")
    elapsed = time.perf_counter() - start
else:
    loop = GLib.MainLoop()
    state = {"sent": 0, "done": 0}

    def send():
        state["sent"] += 1
        echo("ping", reply_handler=on_reply, error_handler=on_error)

    def on_reply(s):
        state["done"] += 1
        if state["done"] == n:
            loop.quit()
        elif state["sent"] < n:
            send()

    def on_error(e):
        print(e, file=sys.stderr)
        sys.exit(1)

    start = time.perf_counter()
    for _ in range(min(in_flight, n)):
        send()
    loop.run()
    elapsed = time.perf_counter() - start
cpu = time.process_time() - cpu_start
print(f"{n / elapsed:.1f} {cpu * 1e6 / n:.2f}")
