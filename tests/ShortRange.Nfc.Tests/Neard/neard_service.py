# A neard-shaped D-Bus service for the ShortRange neard client tests (neard itself is not packaged in this Debian).
# Written from neard's published API texts (doc/manager-api.txt, adapter-api.txt, tag-api.txt, device-api.txt,
# agent-api.txt) and the error names of neard's src/error.c: ObjectManager at "/", AgentManager at /org/neard,
# adapters /org/neard/nfcN, tags .../tagN, devices .../deviceN, records .../recordN, standard Properties.
# A test-control interface org.shortrange.NeardTest at /org/shortrange/test drives it.
# argv: bus address
import sys

import dbus
import dbus.lowlevel
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

PROPS = "org.freedesktop.DBus.Properties"
OM = "org.freedesktop.DBus.ObjectManager"
ERR = "org.neard.Error."


class NeardError(dbus.exceptions.DBusException):
    def __init__(self, name, text):
        super().__init__(text, name=ERR + name)


class Obj(dbus.service.Object):
    """An exported object with one neard interface and its properties."""

    def __init__(self, svc, path, iface, props):
        super().__init__(svc.bus, path)
        self.svc, self.path, self.iface, self.props = svc, path, iface, props

    def managed(self):
        return {self.iface: dbus.Dictionary(self.props, signature="sv")}

    def set_prop(self, name, value):
        self.props[name] = value
        self.PropertiesChanged(self.iface, dbus.Dictionary({name: value}, signature="sv"), dbus.Array([], signature="s"))

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v")
    def Get(self, iface, name):
        if iface != self.iface or name not in self.props:
            raise dbus.exceptions.DBusException("no such property", name="org.freedesktop.DBus.Error.InvalidArgs")
        return self.props[name]

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, iface):
        return dbus.Dictionary(self.props if iface == self.iface else {}, signature="sv")

    @dbus.service.method(PROPS, in_signature="ssv", out_signature="")
    def Set(self, iface, name, value):
        if iface != self.iface or name not in self.writable():
            raise NeardError("InvalidArguments", "Invalid arguments")
        self.on_set(name, value)

    def writable(self):
        return ()

    @dbus.service.signal(PROPS, signature="sa{sv}as")
    def PropertiesChanged(self, iface, changed, invalidated):
        pass


class Record(Obj):
    def __init__(self, svc, path, props):
        super().__init__(svc, path, "org.neard.Record", props)


def record_props(attrs):
    # Record properties are what Write/Push were given (tag-api.txt "Record hierarchy").
    out = {}
    for k, v in attrs.items():
        if k == "MIME":
            k = "MIMEType"
        if k in ("Type", "Encoding", "Language", "Representation", "URI", "MIMEType", "Action", "AndroidPackage"):
            out[k] = dbus.String(v)
        elif k == "Size":
            out[k] = dbus.UInt32(v)
    return out


class Target(Obj):
    """A tag (org.neard.Tag) or a peer device (org.neard.Device) with child records."""

    def __init__(self, svc, path, iface, props):
        super().__init__(svc, path, iface, props)
        self.records = []

    def set_records(self, record_list):
        for r in self.records:
            self.svc.remove(r)
        self.records = []
        for i, attrs in enumerate(record_list):
            r = Record(self.svc, "%s/record%d" % (self.path, i), record_props(attrs))
            self.records.append(r)
            self.svc.add(r)

    @dbus.service.method("org.neard.Tag", in_signature="a{sv}", out_signature="")
    def Write(self, attrs):
        if self.iface != "org.neard.Tag":
            raise dbus.exceptions.DBusException("no Write", name="org.freedesktop.DBus.Error.UnknownMethod")
        if "Type" not in attrs:
            raise NeardError("InvalidArguments", "Invalid arguments")
        if self.props["ReadOnly"]:
            raise NeardError("PermissionDenied", "Permission denied")
        self.set_records([attrs])
        self.svc.last_written = dict(attrs)

    @dbus.service.method("org.neard.Device", in_signature="a{sv}", out_signature="")
    def Push(self, attrs):
        if self.iface != "org.neard.Device":
            raise dbus.exceptions.DBusException("no Push", name="org.freedesktop.DBus.Error.UnknownMethod")
        if "Type" not in attrs or attrs["Type"] not in ("Text", "URI", "SmartPoster", "Handover", "StaticHandover", "MIME"):
            raise NeardError("InvalidArguments", "Invalid arguments")
        self.svc.last_pushed = dict(attrs)


class Adapter(Obj):
    def __init__(self, svc, name):
        super().__init__(svc, "/org/neard/" + name, "org.neard.Adapter", {
            "Mode": dbus.String("Idle"),
            "Powered": dbus.Boolean(False),
            "Polling": dbus.Boolean(False),
            "Protocols": dbus.Array(["Felica", "MIFARE", "Jewel", "ISO-DEP", "NFC-DEP"], signature="s"),
        })
        self.name = name
        self.targets = {}
        self.next_target = 0

    def writable(self):
        return ("Powered",)

    def on_set(self, name, value):
        powered = bool(value)
        if not powered and self.props["Polling"]:
            self.stop()
        self.set_prop("Powered", dbus.Boolean(powered))

    @dbus.service.method("org.neard.Adapter", in_signature="s", out_signature="")
    def StartPollLoop(self, mode):
        if not self.props["Powered"]:
            raise NeardError("Failed", "No such device")  # neard: __near_error_failed(msg, ENODEV)
        if self.props["Polling"]:
            raise NeardError("InProgress", "In progress")
        self.svc.start_count += 1
        self.svc.last_mode = str(mode)
        self.set_prop("Polling", dbus.Boolean(True))
        self.set_prop("Mode", dbus.String("Target" if mode == "Target" else "Initiator"))
        if self.svc.auto_tag is not None:
            GLib.timeout_add(100, self.auto_found)

    def auto_found(self):
        if self.props["Polling"]:
            kind, ndef, records = self.svc.auto_tag
            self.spawn(kind, "MIFARE", False, ndef, records)
        return False

    @dbus.service.method("org.neard.Adapter", in_signature="", out_signature="")
    def StopPollLoop(self):
        if not self.props["Polling"]:
            raise NeardError("NotReady", "Not ready")
        self.svc.stop_count += 1
        self.stop()

    def stop(self):
        self.set_prop("Polling", dbus.Boolean(False))
        self.set_prop("Mode", dbus.String("Idle"))

    def spawn(self, kind, protocol, read_only, ndef, records):
        idx = self.next_target
        self.next_target += 1
        # neard ends the poll loop when it found a target.
        if self.props["Polling"]:
            self.stop()
        if kind == "device":
            t = Target(self.svc, "%s/device%d" % (self.path, idx), "org.neard.Device", {"Adapter": dbus.ObjectPath(self.path)})
        else:
            # kind "malformed" plays a buggy neard: ReadOnly as a string instead of a boolean (doc/tag-api.txt).
            t = Target(self.svc, "%s/tag%d" % (self.path, idx), "org.neard.Tag", {
                "Type": dbus.String(kind), "Protocol": dbus.String(protocol),
                "ReadOnly": dbus.String("yes") if kind == "malformed" else dbus.Boolean(read_only),
                "Adapter": dbus.ObjectPath(self.path)})
        self.targets[t.path] = t
        self.svc.add(t)
        t.set_records(records)
        for i, attrs in enumerate(records):
            self.svc.ndef_to_agents(attrs.get("Type", ""), "%s/record%d" % (t.path, i), ndef, attrs.get("Payload", b""))
        return t.path


class Service(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, "/")
        self.bus = bus
        self.objects = {}
        self.adapters = {}
        self.ndef_agents = {}      # type -> (sender, path)
        self.ho_agents = {}        # carrier -> (sender, path)
        self.start_count = 0
        self.stop_count = 0
        self.last_mode = ""
        self.last_pushed = {}
        self.last_written = {}
        self.auto_tag = None
        self.agent_errors = []
        bus.add_signal_receiver(self.owner_changed, "NameOwnerChanged", "org.freedesktop.DBus", "org.freedesktop.DBus",
                                "/org/freedesktop/DBus")

    # --- ObjectManager -------------------------------------------------------------------------------------------
    @dbus.service.method(OM, in_signature="", out_signature="a{oa{sa{sv}}}")
    def GetManagedObjects(self):
        return {dbus.ObjectPath(p): o.managed() for p, o in self.objects.items()}

    @dbus.service.signal(OM, signature="oa{sa{sv}}")
    def InterfacesAdded(self, path, interfaces):
        pass

    @dbus.service.signal(OM, signature="oas")
    def InterfacesRemoved(self, path, interfaces):
        pass

    def add(self, obj):
        self.objects[obj.path] = obj
        self.InterfacesAdded(dbus.ObjectPath(obj.path), obj.managed())

    def remove(self, obj):
        for r in getattr(obj, "records", []):
            self.remove(r)
        del self.objects[obj.path]
        obj.remove_from_connection()
        self.InterfacesRemoved(dbus.ObjectPath(obj.path), dbus.Array([obj.iface], signature="s"))

    # --- agents ----------------------------------------------------------------------------------------------------
    def owner_changed(self, name, old, new):
        # neard drops an agent when its owner leaves the bus (g_dbus_add_disconnect_watch).
        if name.startswith(":") and new == "":
            for table in (self.ndef_agents, self.ho_agents):
                for k in [k for k, v in table.items() if v[0] == name]:
                    del table[k]

    def ndef_to_agents(self, rtype, record_path, ndef, payload):
        agent = self.ndef_agents.get(rtype)
        if agent is None:
            return
        msg = dbus.lowlevel.MethodCallMessage(agent[0], agent[1], "org.neard.NDEFAgent", "GetNDEF")
        msg.append(dbus.Dictionary({
            "Record": dbus.String(record_path),  # neard appends the path as a string
            "Payload": dbus.Array(payload, signature="y"),
            "NDEF": dbus.Array(ndef, signature="y"),
        }, signature="sv"), signature="a{sv}")
        msg.set_no_reply(True)
        self.bus.send_message(msg)

    def release(self, table, key, iface):
        sender, path = table.pop(key)
        msg = dbus.lowlevel.MethodCallMessage(sender, path, iface, "Release")
        msg.set_no_reply(True)
        self.bus.send_message(msg)

    # --- test control ------------------------------------------------------------------------------------------------
    @dbus.service.method("org.shortrange.NeardTest", in_signature="s", out_signature="o")
    def AddAdapter(self, name):
        a = Adapter(self, name)
        self.adapters[name] = a
        self.add(a)
        return a.path

    @dbus.service.method("org.shortrange.NeardTest", in_signature="s", out_signature="")
    def RemoveAdapter(self, name):
        a = self.adapters.pop(name)
        for t in list(a.targets.values()):
            self.remove(t)
        self.remove(a)

    @dbus.service.method("org.shortrange.NeardTest", in_signature="sssbayaa{sv}", out_signature="o")
    def SpawnTarget(self, adapter, kind, protocol, read_only, ndef, records):
        return self.adapters[adapter].spawn(str(kind), str(protocol), bool(read_only), bytes(ndef), [dict(r) for r in records])

    @dbus.service.method("org.shortrange.NeardTest", in_signature="o", out_signature="")
    def RemoveTarget(self, path):
        for a in self.adapters.values():
            t = a.targets.pop(str(path), None)
            if t is not None:
                self.remove(t)

    @dbus.service.method("org.shortrange.NeardTest", in_signature="sayaa{sv}", out_signature="")
    def SetAutoTag(self, kind, ndef, records):
        self.auto_tag = (str(kind), bytes(ndef), [dict(r) for r in records]) if kind else None

    @dbus.service.method("org.shortrange.NeardTest", in_signature="", out_signature="a{sv}")
    def State(self):
        return {"StartCount": dbus.Int32(self.start_count), "StopCount": dbus.Int32(self.stop_count),
                "LastMode": dbus.String(self.last_mode),
                "NdefAgents": dbus.Array(["%s=%s%s" % (k, v[0], v[1]) for k, v in sorted(self.ndef_agents.items())], signature="s"),
                "HandoverAgents": dbus.Array(["%s=%s%s" % (k, v[0], v[1]) for k, v in sorted(self.ho_agents.items())], signature="s")}

    @dbus.service.method("org.shortrange.NeardTest", in_signature="", out_signature="a{sv}")
    def LastPushed(self):
        return dbus.Dictionary(self.last_pushed, signature="sv")

    @dbus.service.method("org.shortrange.NeardTest", in_signature="s", out_signature="(so)")
    def NdefAgent(self, rtype):
        s, p = self.ndef_agents[str(rtype)]
        return (s, dbus.ObjectPath(p))

    @dbus.service.method("org.shortrange.NeardTest", in_signature="sa{sv}", out_signature="a{sv}",
                         async_callbacks=("ok", "err"))
    def RequestOOB(self, carrier, values, ok, err):
        # What neard does in __near_agent_handover_request_data: call RequestOOB on the carrier's agent.
        sender, path = self.ho_agents[str(carrier)]
        agent = self.bus.get_object(sender, path, introspect=False)
        agent.RequestOOB(dbus.Dictionary(values, signature="sv"), dbus_interface="org.neard.HandoverAgent",
                         reply_handler=lambda r: ok(dbus.Dictionary(r, signature="sv")), error_handler=err)

    @dbus.service.method("org.shortrange.NeardTest", in_signature="sa{sv}", out_signature="",
                         async_callbacks=("ok", "err"))
    def PushOOB(self, carrier, values, ok, err):
        sender, path = self.ho_agents[str(carrier)]
        agent = self.bus.get_object(sender, path, introspect=False)
        agent.PushOOB(dbus.Dictionary(values, signature="sv"), dbus_interface="org.neard.HandoverAgent",
                      reply_handler=ok, error_handler=err)

    @dbus.service.method("org.shortrange.NeardTest", in_signature="", out_signature="")
    def ReleaseAll(self):
        for k in list(self.ndef_agents):
            self.release(self.ndef_agents, k, "org.neard.NDEFAgent")
        for k in list(self.ho_agents):
            self.release(self.ho_agents, k, "org.neard.HandoverAgent")


class AgentManager(dbus.service.Object):
    """org.neard.AgentManager at /org/neard (doc/agent-api.txt; checks as in neard src/agent.c)."""

    def __init__(self, svc):
        super().__init__(svc.bus, "/org/neard")
        self.svc = svc

    @dbus.service.method("org.neard.AgentManager", in_signature="os", out_signature="", sender_keyword="sender")
    def RegisterNDEFAgent(self, path, rtype, sender=None):
        if rtype in self.svc.ndef_agents:
            raise NeardError("AlreadyExists", "Already exists")
        self.svc.ndef_agents[str(rtype)] = (sender, str(path))

    @dbus.service.method("org.neard.AgentManager", in_signature="os", out_signature="", sender_keyword="sender")
    def UnregisterNDEFAgent(self, path, rtype, sender=None):
        if self.svc.ndef_agents.get(str(rtype)) != (sender, str(path)):
            raise NeardError("InvalidArguments", "Invalid arguments")
        del self.svc.ndef_agents[str(rtype)]

    @dbus.service.method("org.neard.AgentManager", in_signature="os", out_signature="", sender_keyword="sender")
    def RegisterHandoverAgent(self, path, carrier, sender=None):
        c = str(carrier).lower()
        if c not in ("bluetooth", "wifi"):
            raise NeardError("InvalidArguments", "Invalid arguments")
        if c in self.svc.ho_agents:
            raise NeardError("AlreadyExists", "Already exists")
        self.svc.ho_agents[c] = (sender, str(path))

    @dbus.service.method("org.neard.AgentManager", in_signature="os", out_signature="", sender_keyword="sender")
    def UnregisterHandoverAgent(self, path, carrier, sender=None):
        c = str(carrier).lower()
        if self.svc.ho_agents.get(c) != (sender, str(path)):
            raise NeardError("NotRegistered", "Not registered")  # neard: -ESRCH
        del self.svc.ho_agents[c]


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(sys.argv[1])
    svc = Service(bus)
    AgentManager(svc)
    name = dbus.service.BusName("org.neard", bus)  # noqa: F841 (keeps the name)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
