using System.Diagnostics;
using System.Globalization;
using ShortRange.Linux.Sockets;

namespace ShortRange.Linux.Tests.Sockets;

/// <summary>Compiles a C program against the real UAPI/BlueZ headers and compares sizeof/offsetof with the C# layouts.</summary>
public class SockaddrLayoutTests
{
    private const string Program = """
        #include <stdio.h>
        #include <stddef.h>
        #include <sys/socket.h>
        #include <linux/nfc.h>
        #include <linux/if_packet.h>
        #include <linux/netlink.h>
        #include <bluetooth/bluetooth.h>
        #include <bluetooth/hci.h>
        #include <bluetooth/l2cap.h>
        #include <bluetooth/rfcomm.h>
        #define P(n, v) printf("%s=%zu\n", n, (size_t)(v))
        int main(void) {
          P("hci.size", sizeof(struct sockaddr_hci)); P("hci.dev", offsetof(struct sockaddr_hci, hci_dev)); P("hci.channel", offsetof(struct sockaddr_hci, hci_channel));
          P("l2.size", sizeof(struct sockaddr_l2)); P("l2.psm", offsetof(struct sockaddr_l2, l2_psm)); P("l2.bdaddr", offsetof(struct sockaddr_l2, l2_bdaddr));
          P("l2.cid", offsetof(struct sockaddr_l2, l2_cid)); P("l2.type", offsetof(struct sockaddr_l2, l2_bdaddr_type));
          P("rc.size", sizeof(struct sockaddr_rc)); P("rc.bdaddr", offsetof(struct sockaddr_rc, rc_bdaddr)); P("rc.channel", offsetof(struct sockaddr_rc, rc_channel)); P("BTPROTO_RFCOMM", BTPROTO_RFCOMM);
          P("nfc.size", sizeof(struct sockaddr_nfc)); P("nfc.dev", offsetof(struct sockaddr_nfc, dev_idx)); P("nfc.target", offsetof(struct sockaddr_nfc, target_idx)); P("nfc.proto", offsetof(struct sockaddr_nfc, nfc_protocol));
          P("llcp.size", sizeof(struct sockaddr_nfc_llcp)); P("llcp.dev", offsetof(struct sockaddr_nfc_llcp, dev_idx)); P("llcp.target", offsetof(struct sockaddr_nfc_llcp, target_idx));
          P("llcp.proto", offsetof(struct sockaddr_nfc_llcp, nfc_protocol)); P("llcp.dsap", offsetof(struct sockaddr_nfc_llcp, dsap)); P("llcp.ssap", offsetof(struct sockaddr_nfc_llcp, ssap));
          P("llcp.sn", offsetof(struct sockaddr_nfc_llcp, service_name)); P("llcp.snlen", offsetof(struct sockaddr_nfc_llcp, service_name_len)); P("llcp.max", NFC_LLCP_MAX_SERVICE_NAME);
          P("ll.size", sizeof(struct sockaddr_ll)); P("ll.proto", offsetof(struct sockaddr_ll, sll_protocol)); P("ll.ifindex", offsetof(struct sockaddr_ll, sll_ifindex));
          P("ll.hatype", offsetof(struct sockaddr_ll, sll_hatype)); P("ll.pkttype", offsetof(struct sockaddr_ll, sll_pkttype)); P("ll.halen", offsetof(struct sockaddr_ll, sll_halen)); P("ll.addr", offsetof(struct sockaddr_ll, sll_addr));
          P("nl.size", sizeof(struct sockaddr_nl)); P("nl.pid", offsetof(struct sockaddr_nl, nl_pid)); P("nl.groups", offsetof(struct sockaddr_nl, nl_groups));
          P("AF_BLUETOOTH", AF_BLUETOOTH); P("AF_NFC", AF_NFC); P("AF_PACKET", AF_PACKET); P("AF_NETLINK", AF_NETLINK); P("AF_IEEE802154", AF_IEEE802154);
          P("BTPROTO_HCI", BTPROTO_HCI); P("BTPROTO_L2CAP", BTPROTO_L2CAP); P("BTPROTO_BNEP", BTPROTO_BNEP); P("SOL_BLUETOOTH", SOL_BLUETOOTH);
          P("HCI_CHANNEL_CONTROL", HCI_CHANNEL_CONTROL); P("HCI_DEV_NONE", HCI_DEV_NONE); P("NFC_SOCKPROTO_LLCP", NFC_SOCKPROTO_LLCP); P("NFC_SOCKPROTO_RAW", NFC_SOCKPROTO_RAW);
          P("SOL_NFC", SOL_NFC); P("BT_SECURITY", BT_SECURITY); P("BT_RCVMTU", BT_RCVMTU);
          P("BT_SECURITY_SDP", BT_SECURITY_SDP); P("BT_SECURITY_LOW", BT_SECURITY_LOW); P("BT_SECURITY_MEDIUM", BT_SECURITY_MEDIUM);
          P("BT_SECURITY_HIGH", BT_SECURITY_HIGH); P("BT_SECURITY_FIPS", BT_SECURITY_FIPS); P("bt_security.size", sizeof(struct bt_security));
          return 0;
        }
        """;

    private static readonly Lazy<(Dictionary<string, long>? Values, string? Reason)> Layout = new(Compile);

    private static (Dictionary<string, long>?, string?) Compile()
    {
        var dir = Directory.CreateTempSubdirectory("sr-layout-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "l.c"), Program);
            string exe = Path.Combine(dir.FullName, "l");
            string? err = Run("gcc", $"-o {exe} {Path.Combine(dir.FullName, "l.c")}", out _);
            if (err is not null) return (null, "cannot compile the layout probe (needs gcc, linux-libc-dev, libbluetooth-dev): " + err);
            err = Run(exe, "", out var stdout);
            if (err is not null) return (null, err);
            var d = new Dictionary<string, long>();
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = line.Split('=');
                d[kv[0]] = long.Parse(kv[1], CultureInfo.InvariantCulture);
            }
            return (d, null);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string? Run(string file, string args, out string stdout)
    {
        stdout = "";
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            stdout = p.StandardOutput.ReadToEnd();
            string stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? null : $"{file} exited {p.ExitCode}: {stderr.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{file} not found: {e.Message}";
        }
    }

    private static Dictionary<string, long> C
    {
        get
        {
            var (v, reason) = Layout.Value;
            if (v is null) Assert.Skip(reason!);
            return v!;
        }
    }

    /// <summary>The header's value (compiled C) must equal the C# constant.</summary>
    private static void Same(string key, long csharp) => Assert.True(C[key] == csharp, $"{key}: header says {C[key]}, C# has {csharp}");

    [Fact]
    public void SockaddrHci_matches_header()
    {
        Same("hci.size", HciSocketAddress.SizeOf);
        Same("hci.dev", HciSocketAddress.OffsetDev);
        Same("hci.channel", HciSocketAddress.OffsetChannel);
    }

    [Fact]
    public void SockaddrL2_matches_header()
    {
        Same("l2.size", L2capSocketAddress.SizeOf);
        Same("l2.psm", L2capSocketAddress.OffsetPsm);
        Same("l2.bdaddr", L2capSocketAddress.OffsetBdaddr);
        Same("l2.cid", L2capSocketAddress.OffsetCid);
        Same("l2.type", L2capSocketAddress.OffsetBdaddrType);
    }

    [Fact]
    public void SockaddrRc_matches_header()
    {
        Same("rc.size", RfcommSocketAddress.SizeOf);
        Same("rc.bdaddr", RfcommSocketAddress.OffsetBdaddr);
        Same("rc.channel", RfcommSocketAddress.OffsetChannel);
        Same("BTPROTO_RFCOMM", BluetoothSocketConstants.BTPROTO_RFCOMM);
    }

    [Fact]
    public void SockaddrNfc_matches_header()
    {
        Same("nfc.size", NfcSocketAddress.SizeOf);
        Same("nfc.dev", NfcSocketAddress.OffsetDevIdx);
        Same("nfc.target", NfcSocketAddress.OffsetTargetIdx);
        Same("nfc.proto", NfcSocketAddress.OffsetProtocol);
    }

    [Fact]
    public void SockaddrNfcLlcp_matches_header()
    {
        Same("llcp.size", NfcLlcpSocketAddress.SizeOf);
        Same("llcp.dev", NfcLlcpSocketAddress.OffsetDevIdx);
        Same("llcp.target", NfcLlcpSocketAddress.OffsetTargetIdx);
        Same("llcp.proto", NfcLlcpSocketAddress.OffsetProtocol);
        Same("llcp.dsap", NfcLlcpSocketAddress.OffsetDsap);
        Same("llcp.ssap", NfcLlcpSocketAddress.OffsetSsap);
        Same("llcp.sn", NfcLlcpSocketAddress.OffsetServiceName);
        Same("llcp.snlen", NfcLlcpSocketAddress.OffsetServiceNameLen);
        Same("llcp.max", NfcSocketConstants.NFC_LLCP_MAX_SERVICE_NAME);
    }

    [Fact]
    public void SockaddrLl_matches_header()
    {
        Same("ll.size", PacketSocketAddress.SizeOf);
        Same("ll.proto", PacketSocketAddress.OffsetProtocol);
        Same("ll.ifindex", PacketSocketAddress.OffsetIfindex);
        Same("ll.hatype", PacketSocketAddress.OffsetHatype);
        Same("ll.pkttype", PacketSocketAddress.OffsetPkttype);
        Same("ll.halen", PacketSocketAddress.OffsetHalen);
        Same("ll.addr", PacketSocketAddress.OffsetAddr);
    }

    [Fact]
    public void SockaddrNl_matches_header()
    {
        Same("nl.size", NetlinkSocketAddress.SizeOf);
        Same("nl.pid", NetlinkSocketAddress.OffsetPid);
        Same("nl.groups", NetlinkSocketAddress.OffsetGroups);
    }

    [Fact]
    public void Constants_match_headers()
    {
        Same("AF_BLUETOOTH", LinuxAddressFamily.AF_BLUETOOTH);
        Same("AF_NFC", LinuxAddressFamily.AF_NFC);
        Same("AF_PACKET", LinuxAddressFamily.AF_PACKET);
        Same("AF_NETLINK", LinuxAddressFamily.AF_NETLINK);
        Same("AF_IEEE802154", LinuxAddressFamily.AF_IEEE802154);
        Same("BTPROTO_HCI", BluetoothSocketConstants.BTPROTO_HCI);
        Same("BTPROTO_L2CAP", BluetoothSocketConstants.BTPROTO_L2CAP);
        Same("BTPROTO_BNEP", BluetoothSocketConstants.BTPROTO_BNEP);
        Same("SOL_BLUETOOTH", BluetoothSocketConstants.SOL_BLUETOOTH);
        Same("HCI_CHANNEL_CONTROL", BluetoothSocketConstants.HCI_CHANNEL_CONTROL);
        Same("HCI_DEV_NONE", BluetoothSocketConstants.HCI_DEV_NONE);
        Same("NFC_SOCKPROTO_LLCP", NfcSocketConstants.NFC_SOCKPROTO_LLCP);
        Same("NFC_SOCKPROTO_RAW", NfcSocketConstants.NFC_SOCKPROTO_RAW);
        Same("SOL_NFC", NfcSocketConstants.SOL_NFC);
        Same("BT_SECURITY", BluetoothSocketConstants.BT_SECURITY);
        Same("BT_RCVMTU", BluetoothSocketConstants.BT_RCVMTU);
    }

    [Fact]
    public void Bt_security_levels_match_the_header()
    {
        Same("BT_SECURITY_SDP", BluetoothSocketConstants.BT_SECURITY_SDP);
        Same("BT_SECURITY_LOW", BluetoothSocketConstants.BT_SECURITY_LOW);
        Same("BT_SECURITY_MEDIUM", BluetoothSocketConstants.BT_SECURITY_MEDIUM);
        Same("BT_SECURITY_HIGH", BluetoothSocketConstants.BT_SECURITY_HIGH);
        Same("BT_SECURITY_FIPS", BluetoothSocketConstants.BT_SECURITY_FIPS);
        Same("bt_security.size", 2); // struct bt_security { u8 level; u8 key_size; } — BtSecurity.SizeOf in ShortRange.Bluetooth
    }
}
