using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Bluetooth.Sdp;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// SDP against BlueZ: our client against bluetoothd's SDP server (its default records plus `sdptool add SP`), and
/// sdptool against our server, compared attribute by attribute through `sdptool browse --xml` (BlueZ's own decoder).
/// </summary>
public partial class SdpHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Our_client_reads_bluetoothds_records_exactly_as_sdptool_does()
    {
        string sdptool = LabRequire.Tool("sdptool");
        var (localName, peerName) = LabRequire.BluetoothPair();
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        var daemon = await BluetoothdLab.StartAsync([LabBluetooth.Index(localName), LabBluetooth.Index(peerName)], Ct);
        try
        {
            Report(daemon.TakeOver);
            var add = LabProcess.Run(sdptool, "add", "--channel=7", "SP");
            Assert.True(add.ExitCode == 0, add + " bluetoothd: " + daemon.Log);

            // PSM 1 is bluetoothd's now: our server must say so.
            Assert.Throws<SdpServerBusyException>(() => SdpServer.Start(new SdpDatabase(), 0));

            IReadOnlyList<SdpRecord> ours;
            await using (var client = await SdpClient.ConnectAsync(local, peer, Bound, Ct))
                ours = await client.BrowseAsync(Ct);
            var spp = ours.Single(r => r.ServiceClassIds.Contains(SdpUuid.FromShort(SdpUuid.SerialPort)));
            Assert.Equal((byte)7, spp.RfcommChannel);
            Assert.Equal("Serial Port", spp.ServiceName);

            var theirs = SdptoolBrowse(sdptool, peer);
            CompareFieldByField(ours, theirs);
            Report($"bluetoothd: {ours.Count} records, {ours.Sum(r => r.Attributes.Count)} attributes identical to sdptool browse --xml");

            // The typed lookup clients use: the SPP channel by UUID.
            Assert.Equal((byte)7, await ShortRange.Bluetooth.Rfcomm.RfcommStream.FindChannelAsync(local, peer, SdpUuid.FromShort(SdpUuid.SerialPort), Bound, Ct));
        }
        finally
        {
            await daemon.DisposeAsync(); // stops bluetoothd, restarts btvirt in the lab
            Report("bluetoothd left behind after mgmt restore (before btvirt's restart): " + daemon.Residue);
        }
        Assert.True(LabProcess.Run("pidof", "bluetoothd").ExitCode != 0, "bluetoothd still running after the test");
        await L2capLab.BrEdrAsync(Ct); // fresh controllers: back to the baseline
    }

    [Fact]
    public async Task Sdptool_browses_and_searches_our_server_field_by_field()
    {
        string sdptool = LabRequire.Tool("sdptool");
        var (_, peer) = await L2capLab.BrEdrAsync(Ct);
        var db = new SdpDatabase();
        db.Add(SdpRecords.SerialPort(db.AllocateHandle(), 5, "ShortRange SPP"));
        foreach (var role in new[] { SdpUuid.PANU, SdpUuid.NAP, SdpUuid.GN }) db.Add(SdpRecords.Pan(db.AllocateHandle(), role));
        for (int i = 0; i < 12; i++) db.Add(SdpRecords.SerialPort(db.AllocateHandle(), (byte)(10 + i), $"Port {i} " + new string('x', 40)));
        await using var server = SdpServer.Start(db, peer);
        Assert.Throws<SdpServerBusyException>(() => SdpServer.Start(new SdpDatabase(), peer));

        var browse = SdptoolBrowse(sdptool, peer);
        var published = db.Records.Where(r => r.BrowseGroups.Contains(SdpUuid.FromShort(SdpUuid.PublicBrowseRoot))).ToList();
        CompareFieldByField(published, browse);

        var search = LabProcess.Run(sdptool, ["search", "--bdaddr", RfcommHwTests.Format(peer), "SP"], Bound);
        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.Contains("Service Name: ShortRange SPP", search.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Channel: 5", search.StandardOutput, StringComparison.Ordinal);
        var nap = LabProcess.Run(sdptool, ["search", "--bdaddr", RfcommHwTests.Format(peer), "NAP"], Bound);
        Assert.Contains("Network Access Point", nap.StandardOutput, StringComparison.Ordinal);
        Report($"our server: sdptool browse read {browse.Count} records (with continuation; {published.Sum(r => r.Attributes.Count)} attributes) identical to ours");
    }

    [Fact]
    public async Task Client_cuts_off_a_server_that_loops_or_inflates_its_continuation()
    {
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        using var listener = L2capChannel.Listen(new L2capSocketAddress(BluetoothSocketConstants.L2CAP_PSM_SDP, peer));
        foreach (bool loop in new[] { true, false })
        {
            var serve = Task.Run(async () =>
            {
                using var ch = await listener.AcceptAsync(Ct);
                var buf = new byte[1024];
                int n, i = 0;
                while ((n = await ch.ReceiveAsync(buf, Ct)) > 0)
                {
                    ushort tid = BinaryPrimitives.ReadUInt16BigEndian(buf.AsSpan(1));
                    var state = loop ? new byte[] { 0x01 } : BitConverter.GetBytes(++i);
                    await ch.SendAsync(SdpPduCodec.Encode(new SdpAttributeResponse(tid, true, new byte[600], new SdpContinuationState(state))), Ct);
                }
            }, Ct);
            var sw = Stopwatch.StartNew();
            var client = await SdpClient.ConnectAsync(local, peer, Bound, Ct);
            try
            {
                await Assert.ThrowsAsync<SdpContinuationException>(() => client.BrowseAsync(Ct));
            }
            finally
            {
                await client.DisposeAsync(); // client first
            }
            await serve.WaitAsync(Bound, Ct);
            Report($"continuation {(loop ? "loop" : "inflation")} cut off after {sw.ElapsedMilliseconds} ms");
        }
    }

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@SDP " + line);
    }

    /// <summary>`sdptool browse --xml ADDR`: handle → attribute ID → canonical value, decoded by BlueZ.</summary>
    private static Dictionary<uint, Dictionary<ushort, string>> SdptoolBrowse(string sdptool, ulong peer)
    {
        var r = LabProcess.Run(sdptool, ["browse", "--xml", RfcommHwTests.Format(peer)], Bound);
        Assert.True(r.ExitCode == 0, r.ToString());
        var records = new Dictionary<uint, Dictionary<ushort, string>>();
        foreach (Match m in RecordXml().Matches(r.StandardOutput))
        {
            var attrs = XElement.Parse(m.Value).Elements("attribute")
                .ToDictionary(a => Hex16(a.Attribute("id")!.Value), a => Canon(a.Elements().Single()));
            uint handle = uint.Parse(attrs[0][(attrs[0].IndexOf(':', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
            records[handle] = attrs;
        }
        Assert.True(records.Count > 0, "sdptool printed no records: " + r);
        return records;
    }

    private static void CompareFieldByField(IReadOnlyList<SdpRecord> ours, Dictionary<uint, Dictionary<ushort, string>> theirs)
    {
        Assert.Equal(theirs.Keys.Order(), ours.Select(r => r.Handle!.Value).Order());
        foreach (var rec in ours)
        {
            var t = theirs[rec.Handle!.Value];
            Assert.Equal(t.Keys.Order(), rec.Attributes.Keys.Order());
            foreach (var (id, value) in rec.Attributes)
                Assert.True(t[id] == Canon(value), $"record 0x{rec.Handle:X8} attribute 0x{id:X4}: sdptool {t[id]}, ours {Canon(value)}");
        }
    }

    private static ushort Hex16(string s) => ushort.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    // BlueZ lib/sdp-xml.c names: nil, boolean, uint8…uint128, int8…int128, uuid, text, url, sequence, alternate.
    private static string Canon(XElement e)
    {
        string v = e.Attribute("value")?.Value ?? "";
        string name = e.Name.LocalName;
        switch (name)
        {
            case "nil": return "nil";
            case "boolean": return "bool:" + (v == "true");
            case "sequence": return "seq[" + string.Join(",", e.Elements().Select(Canon)) + "]";
            case "alternate": return "alt[" + string.Join(",", e.Elements().Select(Canon)) + "]";
            case "uuid":
                return "uuid:" + (v.StartsWith("0x", StringComparison.Ordinal)
                    ? SdpUuid.FromShort(uint.Parse(v.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))
                    : Guid.Parse(v));
            case "text" or "url":
                var bytes = e.Attribute("encoding")?.Value == "hex" ? Convert.FromHexString(v) : Encoding.UTF8.GetBytes(v);
                if (bytes.Length > 0 && bytes[^1] == 0) bytes = bytes[..^1];
                return name + ":" + Encoding.UTF8.GetString(bytes);
            case "uint128" or "int128": return name + ":" + v[2..].ToUpperInvariant();
            default:
                if (name.StartsWith("uint", StringComparison.Ordinal))
                    return name + ":" + ulong.Parse(v.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
                if (name.StartsWith("int", StringComparison.Ordinal))
                    return name + ":" + long.Parse(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
                throw new InvalidOperationException("unknown sdptool XML element " + name);
        }
    }

    private static string Canon(SdpElement e) => e.Type switch
    {
        SdpElementType.Nil => "nil",
        SdpElementType.Boolean => "bool:" + e.AsBoolean(),
        SdpElementType.Sequence => "seq[" + string.Join(",", e.Items.Select(Canon)) + "]",
        SdpElementType.Alternative => "alt[" + string.Join(",", e.Items.Select(Canon)) + "]",
        SdpElementType.Uuid => "uuid:" + e.AsUuid(),
        SdpElementType.Text => "text:" + e.AsText(),
        SdpElementType.Url => "url:" + e.AsText(),
        SdpElementType.UnsignedInteger when e.Value.Length == 16 => "uint128:" + Convert.ToHexString(e.Value),
        SdpElementType.SignedInteger when e.Value.Length == 16 => "int128:" + Convert.ToHexString(e.Value),
        SdpElementType.UnsignedInteger => $"uint{e.Value.Length * 8}:" + e.AsUInt64().ToString(CultureInfo.InvariantCulture),
        _ => $"int{e.Value.Length * 8}:" + e.AsInt64().ToString(CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("<record>.*?</record>", RegexOptions.Singleline)]
    private static partial Regex RecordXml();
}
