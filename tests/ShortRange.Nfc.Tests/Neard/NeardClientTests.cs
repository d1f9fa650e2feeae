using System.Reactive.Linq;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Neard;

namespace ShortRange.Nfc.Tests.Neard;

/// <summary>
/// The neard client against neard_service.py — a neard-shaped python3-dbus service written from neard's API texts —
/// on a private dbus-daemon. neard itself is not packaged in this Debian, so this is the closest real peer available.
/// </summary>
[Collection(NeardTestBusCollection.Name)]
public sealed class NeardClientTests(NeardTestBus bus)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static KeyValuePair<string, object> P(string k, object v) => new(k, v);

    [Fact]
    public async Task Connecting_without_neard_says_neard_is_not_running()
    {
        Assert.SkipWhen(bus.SkipReason is not null, bus.SkipReason ?? "");
        var e = await Assert.ThrowsAsync<NeardNotRunningException>(() => NeardClient.ConnectAsync(bus.Address, null, Ct));
        Assert.Contains("neard is not running", e.Message);
        Assert.Equal(bus.Address, e.BusAddress);
        // No bus at all is the same clear error.
        await Assert.ThrowsAsync<NeardNotRunningException>(() => NeardClient.ConnectAsync("unix:path=/nonexistent/shortrange-bus", null, Ct));
    }

    [Fact]
    public async Task Adapter_properties_power_and_poll_loop_with_neard_errors()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        var a = Assert.Single(await client.GetAdaptersAsync(Ct));
        Assert.Equal(("nfc0", "/org/neard/nfc0", false, false, "Idle"), (a.Name, a.Path, a.Powered, a.Polling, a.Mode));
        Assert.Contains("NFC-DEP", a.Protocols);

        var adapter = client.GetAdapter("nfc0");
        // neard refuses to poll on an adapter that is off (ENODEV → org.neard.Error.Failed).
        var off = await Assert.ThrowsAsync<NeardException>(() => adapter.StartPollLoopAsync(NeardPollMode.Initiator, Ct));
        Assert.Equal("org.neard.Error.Failed", off.ErrorName);

        var changes = adapter.WatchPropertiesChanged().Replay();
        using var connect = changes.Connect();
        await client.WhenSubscribedAsync(Ct);
        await adapter.SetPoweredAsync(true, Ct);
        var change = await changes.FirstAsync(c => c.Changed.ContainsKey("Powered")).Timeout(TimeSpan.FromSeconds(30));
        Assert.True(change.Changed["Powered"].GetBool());

        await adapter.StartPollLoopAsync(NeardPollMode.Dual, Ct);
        var p = await adapter.GetPropertiesAsync(Ct);
        Assert.True(p.Polling);
        Assert.Equal("Initiator", p.Mode);
        Assert.Equal("Dual", (await neard.StateAsync())["LastMode"].GetString());
        var again = await Assert.ThrowsAsync<NeardException>(() => adapter.StartPollLoopAsync(NeardPollMode.Initiator, Ct));
        Assert.Equal(("org.neard.Error.InProgress", "InProgress"), (again.ErrorName, again.ShortName));
        await adapter.StopPollLoopAsync(Ct);
        Assert.False((await adapter.GetPropertiesAsync(Ct)).Polling);
        var notReady = await Assert.ThrowsAsync<NeardException>(() => adapter.StopPollLoopAsync(Ct));
        Assert.Equal("org.neard.Error.NotReady", notReady.ErrorName);
    }

    [Fact]
    public async Task Tag_properties_records_and_write()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        string path = await neard.SpawnAsync("Type 2", [], false, "nfc0",
            [P("Type", "Text"), P("Encoding", "UTF-8"), P("Language", "en"), P("Representation", "hello")],
            [P("Type", "SmartPoster"), P("URI", "https://nfc-forum.org"), P("Action", "Do"), P("Size", 1234u), P("MIMEType", "text/html")]);
        Assert.Equal("/org/neard/nfc0/tag0", path);
        var tag = Assert.Single(await client.GetAdapter("nfc0").GetTagsAsync(Ct));
        Assert.Equal(new NeardTagProperties(path, "Type 2", "MIFARE", false, "/org/neard/nfc0"), tag);
        var t = client.GetTag(path);
        Assert.Equal(tag, await t.GetPropertiesAsync(Ct));
        var records = await t.GetRecordsAsync(Ct);
        Assert.Equal(2, records.Count);
        Assert.Equal(NeardRecordProperties.Text("hello"), records[0]);
        Assert.Equal(new NeardRecordProperties("SmartPoster") { Uri = "https://nfc-forum.org", Action = "Do", Size = 1234, MimeType = "text/html" }, records[1]);

        await t.WriteAsync(NeardRecordProperties.UriRecord("https://kernel.org"), Ct);
        Assert.Equal([NeardRecordProperties.UriRecord("https://kernel.org")], await t.GetRecordsAsync(Ct));

        string ro = await neard.SpawnAsync("Type 4", [], true);
        var denied = await Assert.ThrowsAsync<NeardException>(() => client.GetTag(ro).WriteAsync(NeardRecordProperties.Text("x"), Ct));
        Assert.Equal("org.neard.Error.PermissionDenied", denied.ErrorName);
        var gone = await Assert.ThrowsAsync<NeardException>(() => client.GetTag("/org/neard/nfc0/tag42").GetPropertiesAsync(Ct));
        Assert.StartsWith("org.freedesktop.DBus.Error.", gone.ErrorName);
    }

    [Fact]
    public async Task Device_push_sends_the_attribute_dictionary()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        string path = await neard.SpawnAsync("device", []);
        var device = client.GetDevice(path);
        Assert.Equal("/org/neard/nfc0", await device.GetAdapterPathAsync(Ct));
        await device.PushAsync(new NeardRecordProperties("MIME") { MimeType = "text/plain", Payload = "hi"u8.ToArray() }, Ct);
        var pushed = (await neard.CallAsync("LastPushed"))[0].GetStringDictionary();
        Assert.Equal("MIME", pushed["Type"].GetString());
        Assert.Equal("text/plain", pushed["MIME"].GetString());
        Assert.Equal("hi"u8.ToArray(), pushed["Payload"].GetByteArray());
        await device.PushAsync(new NeardRecordProperties("Handover") { Carrier = "bluetooth" }, Ct);
        Assert.Equal("bluetooth", (await neard.CallAsync("LastPushed"))[0].GetStringDictionary()["Carrier"].GetString());
        var bad = await Assert.ThrowsAsync<NeardException>(() => device.PushAsync(new NeardRecordProperties("Bogus"), Ct));
        Assert.Equal("org.neard.Error.InvalidArguments", bad.ErrorName);
    }

    [Fact]
    public async Task Object_events_report_tags_and_records_added_and_removed()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        var events = client.WatchObjects().Replay();
        using var connect = events.Connect();
        await client.WhenSubscribedAsync(Ct);
        string path = await neard.SpawnAsync("Type 3", [], false, "nfc0", [P("Type", "URI"), P("URI", "tel:1")]);
        var added = await events.Where(e => e.Added && e.Object.Kind == NeardObjectKind.Tag).FirstAsync().Timeout(TimeSpan.FromSeconds(30));
        Assert.Equal(path, added.Object.Path);
        Assert.Equal("Type 3", added.Object.Properties["Type"].GetString());
        var rec = await events.Where(e => e.Added && e.Object.Kind == NeardObjectKind.Record).FirstAsync().Timeout(TimeSpan.FromSeconds(30));
        Assert.Equal(path + "/record0", rec.Object.Path);
        await neard.CallAsync("RemoveTarget", new ObjPath(path));
        var removed = await events.Where(e => !e.Added && e.Object.Kind == NeardObjectKind.Tag).FirstAsync().Timeout(TimeSpan.FromSeconds(30));
        Assert.Equal(path, removed.Object.Path);
        Assert.Equal((uint?)0, NeardObject.IndexOf(removed.Object.Path, "nfc"));
    }

    [Fact]
    public async Task Ndef_agent_receives_the_raw_message_and_unregisters_on_dispose()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        var got = new TaskCompletionSource<NeardNdefEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reg = await client.RegisterNdefAgentAsync("URI", e => { got.TrySetResult(e); return default; }, () => released.TrySetResult(), Ct);
        Assert.Single((await neard.StateAsync())["NdefAgents"].GetStringArray());
        var dup = await Assert.ThrowsAsync<NeardException>(() => client.RegisterNdefAgentAsync("URI", _ => default, null, Ct));
        Assert.Equal("org.neard.Error.AlreadyExists", dup.ErrorName);

        var uri = NdefUriRecord.Create("https://www.kernel.org/");
        byte[] ndef = NdefMessage.Encode([NdefTextRecord.Create("k"), uri]);
        string tag = await neard.SpawnAsync("Type 2", ndef, false, "nfc0", [P("Type", "Text")], [P("Type", "URI"), P("URI", "https://www.kernel.org/"), P("Payload", uri.Payload.ToArray())]);
        var e = await got.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(ndef, e.Ndef);
        Assert.Equal(uri.Payload.ToArray(), e.Payload);
        Assert.Equal(tag + "/record1", e.RecordPath);
        Assert.Equal("https://www.kernel.org/", NdefUriRecord.Decode(e.ParseRecords()[1].Payload.Span));

        await reg.DisposeAsync();
        Assert.Empty((await neard.StateAsync())["NdefAgents"].GetStringArray());
        Assert.False(released.Task.IsCompleted); // we unregistered ourselves: neard does not call Release

        // neard releasing the agent calls Release.
        await client.RegisterNdefAgentAsync("Text", _ => default, () => released.TrySetResult(), Ct);
        await neard.CallAsync("ReleaseAll");
        await released.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    [Fact]
    public async Task Agent_refuses_calls_that_do_not_come_from_neard_gdbus_caller()
    {
        Assert.SkipUnless(File.Exists("/usr/bin/gdbus"), "gdbus is not installed (apt-get install libglib2.0-bin)");
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        int calls = 0;
        await using var reg = await client.RegisterNdefAgentAsync("MIME", _ => { Interlocked.Increment(ref calls); return default; }, null, Ct);
        var agent = (await neard.CallAsync("NdefAgent", "MIME"))[0].GetItems();
        string owner = agent[0].GetString(), path = agent[1].GetString();
        Assert.Equal(client.UniqueName, owner);

        // gdbus is another connection than neard's: refused with org.neard.Error.PermissionDenied.
        var (code, _, err) = await NeardTestBus.RunAsync("/usr/bin/gdbus",
            ["call", "--address", bus.Address!, "--dest", owner, "--object-path", path, "--method", "org.neard.NDEFAgent.GetNDEF", "{'NDEF': <@ay [0xd0, 0x00, 0x00]>}"], null);
        Assert.NotEqual(0, code);
        Assert.Contains("org.neard.Error.PermissionDenied", err);
        Assert.Equal(0, Volatile.Read(ref calls));

        // Introspection of the exported agent (answered for anyone) shows the documented interface.
        var (icode, xml, _) = await NeardTestBus.RunAsync("/usr/bin/gdbus", ["introspect", "--address", bus.Address!, "--dest", owner, "--object-path", path, "--xml"], null);
        Assert.Equal(0, icode);
        Assert.Contains("org.neard.NDEFAgent", xml);
        Assert.Contains("GetNDEF", xml);
    }

    [Fact]
    public async Task Handover_agent_answers_request_oob_and_push_oob_for_neard()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        var agent = new TestHandoverAgent();
        await using var reg = await client.RegisterHandoverAgentAsync("bluetooth", agent, Ct);
        var invalid = await Assert.ThrowsAsync<NeardException>(() => client.RegisterHandoverAgentAsync("nfc", agent, Ct));
        Assert.Equal("org.neard.Error.InvalidArguments", invalid.ErrorName);

        byte[] remoteEir = [0x14, 0x00, 6, 5, 4, 3, 2, 1, 0x04, 0x0D, 0x20, 0x04, 0x00];
        var reply = (await neard.CallAsync("RequestOOB", "bluetooth",
            TestValues.Dict([P("EIR", remoteEir), P("State", "activating")])))[0].GetStringDictionary();
        Assert.Equal(remoteEir, agent.LastRemote!.Eir);
        Assert.Equal(NdefCarrierPowerState.Activating, agent.LastRemote.State);
        Assert.Equal(TestHandoverAgent.LocalEir, reply["EIR"].GetByteArray());
        Assert.Equal("active", reply["State"].GetString());

        await neard.CallAsync("PushOOB", "bluetooth", TestValues.Dict([P("EIR", remoteEir)]));
        Assert.Equal(1, agent.Pushes);

        // A carrier power state outside agent-api.txt's "active"/"inactive"/"activating" is refused, the agent not called.
        var bogus = await Assert.ThrowsAsync<Tmds.DBus.Protocol.DBusErrorReplyException>(() => neard.CallAsync("RequestOOB", "bluetooth",
            TestValues.Dict([P("EIR", remoteEir), P("State", "sleepy")])));
        Assert.Equal("org.neard.HandoverAgent.Error.Failed", bogus.ErrorName);
        Assert.Equal(1, agent.Pushes);

        // An agent error reaches neard with its org.neard.HandoverAgent.Error.* name.
        agent.Fail = true;
        var e = await Assert.ThrowsAsync<Tmds.DBus.Protocol.DBusErrorReplyException>(() => neard.CallAsync("PushOOB", "bluetooth", TestValues.Dict([P("EIR", remoteEir)])));
        Assert.Equal("org.neard.HandoverAgent.Error.NoSuchDevice", e.ErrorName);

        await neard.CallAsync("ReleaseAll");
        await agent.Released.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    private sealed class TestHandoverAgent : INeardHandoverAgent
    {
        public static readonly byte[] LocalEir = [0x08, 0x00, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11];

        public NeardOobData? LastRemote { get; private set; }

        public int Pushes { get; private set; }

        public bool Fail { get; set; }

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<NeardOobData> RequestOobAsync(NeardOobData remote, CancellationToken cancellationToken)
        {
            LastRemote = remote;
            return ValueTask.FromResult(new NeardOobData { Eir = LocalEir, State = NdefCarrierPowerState.Active });
        }

        public ValueTask PushOobAsync(NeardOobData remote, CancellationToken cancellationToken)
        {
            if (Fail) throw new NeardException("org.neard.HandoverAgent.Error.NoSuchDevice", "no Bluetooth adapter");
            LastRemote = remote;
            Pushes++;
            return default;
        }

        public void Release() => Released.TrySetResult();
    }
}
