using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Wire;

public class AddressAndRuleTests
{
    [Fact]
    public void Address_lists_with_escapes_are_parsed()
    {
        var list = DBusAddress.ParseList("unix:path=/tmp/a%20b,guid=0123;unix:abstract=/tmp/dbus-x;tcp:host=localhost,port=1");
        Assert.Equal(3, list.Count);
        Assert.Equal("/tmp/a b", list[0].UnixSocketPath);
        Assert.Equal("0123", list[0].Guid);
        Assert.Equal("\0/tmp/dbus-x", list[1].UnixSocketPath);
        Assert.Null(list[2].UnixSocketPath);
        Assert.Throws<FormatException>(() => DBusAddress.Parse("unix:path=%zz"));
        Assert.Throws<FormatException>(() => DBusAddress.Parse("nocolon"));
        Assert.Equal("a%20b%3b", DBusAddress.Escape("a b;"));
    }

    [Fact]
    public void System_bus_default_address()
    {
        string? saved = Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS");
        try
        {
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", null);
            Assert.Equal("unix:path=/var/run/dbus/system_bus_socket", DBusAddress.SystemBusAddress);
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/x");
            Assert.Equal("unix:path=/x", DBusAddress.SystemBusAddress);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", saved);
        }
    }

    [Fact]
    public void Match_rule_text_escapes_quotes()
    {
        var rule = new MatchRule { Sender = "org.neard", Interface = "org.neard.Adapter", Member = "X", Arg0 = "it's" };
        Assert.Equal("type='signal',sender='org.neard',interface='org.neard.Adapter',member='X',arg0='it'\\''s'", rule.ToString());
    }

    [Theory]
    [InlineData("/org/neard", true)]
    [InlineData("/org/neard/nfc0", true)]
    [InlineData("/org/neardx", false)]
    public void Match_rule_path_namespace(string path, bool matches)
    {
        var w = new MessageWriter();
        byte[] bytes;
        try
        {
            w.WriteSignalHeader(null, path, "a.b", "M", "s");
            w.WriteString("first");
            using MessageBuffer b = w.CreateMessage();
            b.Serial = 1;
            bytes = b.ToArray();
        }
        finally
        {
            w.Dispose();
        }
        using Message m = Message.Parse(bytes);
        Assert.Equal(matches, new MatchRule { PathNamespace = "/org/neard", Member = "M" }.Matches(m));
        Assert.True(new MatchRule { Arg0 = "first" }.Matches(m));
        Assert.False(new MatchRule { Arg0 = "other" }.Matches(m));
        Assert.False(new MatchRule { Interface = "a.c" }.Matches(m));
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/a/b_c/D0", true)]
    [InlineData("", false)]
    [InlineData("/a/", false)]
    [InlineData("//a", false)]
    [InlineData("/a-b", false)]
    public void Object_path_validation(string path, bool valid) =>
        Assert.Equal(valid, NameValidator.IsValidObjectPath(System.Text.Encoding.UTF8.GetBytes(path)));
}
