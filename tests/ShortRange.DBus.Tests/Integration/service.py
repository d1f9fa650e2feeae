# A small python3-dbus service used by the integration tests and the benchmark.
# argv: bus address, well-known name
import os
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

IFACE = "org.shortrange.Py"


class Service(dbus.service.Object):
    @dbus.service.method(IFACE, in_signature="s", out_signature="s")
    def Echo(self, s):
        return s

    @dbus.service.method(IFACE, in_signature="ii", out_signature="i")
    def Add(self, a, b):
        return a + b

    @dbus.service.method(IFACE, in_signature="a{sv}", out_signature="as")
    def Keys(self, d):
        return sorted(str(k) for k in d.keys())

    @dbus.service.method(IFACE, in_signature="(sib)", out_signature="(bis)")
    def Swap(self, t):
        return (not t[2], t[1] * 2, t[0].upper())

    @dbus.service.method(IFACE, in_signature="", out_signature="a{sv}")
    def Props(self):
        return {"name": dbus.String("py"), "n": dbus.Int32(7), "list": dbus.Array(["a", "b"], signature="s"),
                "nested": dbus.Dictionary({"x": dbus.Double(1.5)}, signature="sv")}

    @dbus.service.method(IFACE, in_signature="ay", out_signature="u")
    def Length(self, data):
        return len(data)

    @dbus.service.method(IFACE, in_signature="s", out_signature="")
    def Emit(self, s):
        self.Pinged(s, dbus.UInt32(len(s)))

    @dbus.service.signal(IFACE, signature="su")
    def Pinged(self, s, n):
        pass

    @dbus.service.method(IFACE, in_signature="h", out_signature="s")
    def ReadFd(self, fd):
        f = fd.take()
        data = os.read(f, 100)
        os.close(f)
        return data.decode()

    @dbus.service.method(IFACE, in_signature="s", out_signature="h")
    def MakeFd(self, text):
        r, w = os.pipe()
        os.write(w, text.encode())
        os.close(w)
        fd = dbus.types.UnixFd(r)
        os.close(r)
        return fd

    @dbus.service.method(IFACE, in_signature="", out_signature="")
    def Fail(self):
        raise dbus.exceptions.DBusException("python says no", name="org.shortrange.Error.Py")


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(sys.argv[1])
    Service(bus, "/org/shortrange/Py")
    name = dbus.service.BusName(sys.argv[2], bus)  # noqa: F841 (keeps the name)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
