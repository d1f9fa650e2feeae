namespace ShortRange.DBus;

/// <summary>Introspection XML of the standard interfaces ("Standard Interfaces" in the specification).</summary>
internal static class IntrospectionXml
{
    public const string Standard =
        "  <interface name=\"org.freedesktop.DBus.Introspectable\">\n" +
        "    <method name=\"Introspect\"><arg name=\"xml_data\" type=\"s\" direction=\"out\"/></method>\n" +
        "  </interface>\n" +
        "  <interface name=\"org.freedesktop.DBus.Peer\">\n" +
        "    <method name=\"Ping\"/>\n" +
        "  </interface>\n";

    public const string Properties =
        "  <interface name=\"org.freedesktop.DBus.Properties\">\n" +
        "    <method name=\"Get\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/><arg name=\"property_name\" type=\"s\" direction=\"in\"/><arg name=\"value\" type=\"v\" direction=\"out\"/></method>\n" +
        "    <method name=\"GetAll\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/><arg name=\"props\" type=\"a{sv}\" direction=\"out\"/></method>\n" +
        "    <method name=\"Set\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/><arg name=\"property_name\" type=\"s\" direction=\"in\"/><arg name=\"value\" type=\"v\" direction=\"in\"/></method>\n" +
        "    <signal name=\"PropertiesChanged\"><arg name=\"interface_name\" type=\"s\"/><arg name=\"changed_properties\" type=\"a{sv}\"/><arg name=\"invalidated_properties\" type=\"as\"/></signal>\n" +
        "  </interface>\n";

    public const string ObjectManager =
        "  <interface name=\"org.freedesktop.DBus.ObjectManager\">\n" +
        "    <method name=\"GetManagedObjects\"><arg name=\"objects\" type=\"a{oa{sa{sv}}}\" direction=\"out\"/></method>\n" +
        "    <signal name=\"InterfacesAdded\"><arg name=\"object_path\" type=\"o\"/><arg name=\"interfaces_and_properties\" type=\"a{sa{sv}}\"/></signal>\n" +
        "    <signal name=\"InterfacesRemoved\"><arg name=\"object_path\" type=\"o\"/><arg name=\"interfaces\" type=\"as\"/></signal>\n" +
        "  </interface>\n";
}
