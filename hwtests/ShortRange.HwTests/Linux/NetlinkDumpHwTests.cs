using System.Diagnostics;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Netlink;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Netlink;
using static ShortRange.Nfc.Netlink.NfcNetlinkConstants;

namespace ShortRange.HwTests.Linux;

/// <summary>
/// Dumps against the real kernel: an empty dump finishes in the sender's own context, which is the window of the 6.1
/// race that used to end a NetlinkSocket with "Invalid argument" (see NetlinkSocket.SpuriousDumpErrors), and a dump
/// whose callback fails reports its errno in NLMSG_DONE.
/// </summary>
public sealed class NetlinkDumpHwTests
{
    [Fact]
    public async Task Thousands_of_empty_dumps_back_to_back_keep_one_socket_open()
    {
        KernelStack.Require(Technology.Nfc);
        var ct = TestContext.Current.CancellationToken;
        using var genl = GenericNetlinkClient.Open();
        var family = await genl.ResolveFamilyAsync(NFC_GENL_NAME, ct);
        const int Dumps = 3000;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < Dumps; i++)
        {
            // NFC_CMD_GET_SE: nfcsim has no secure element, so nfc_genl_dump_ses returns 0 at once and the kernel queues
            // NLMSG_DONE from inside our sendmsg while the receive loop may be dequeuing on the other CPU.
            var replies = await genl.RequestAsync(family, NFC_CMD_GET_SE, NFC_GENL_VERSION, NetlinkConstants.NLM_F_DUMP, null, ct);
            Assert.Empty(replies);
        }
        // Still usable for an ordinary request afterwards.
        Assert.Equal(NFC_GENL_NAME, (await genl.ResolveFamilyAsync(NFC_GENL_NAME, ct)).Name);
        Console.WriteLine(
            $"@@NETLINK {Dumps} empty dumps in {sw.Elapsed.TotalSeconds:0.0} s; the kernel's spurious EINVAL came {genl.Socket.SpuriousDumpErrors} time(s) and was absorbed");
    }

    [Fact]
    public async Task A_dump_whose_callback_fails_reports_the_errno_from_nlmsg_done()
    {
        KernelStack.Require(Technology.Nfc);
        var ct = TestContext.Current.CancellationToken;
        using var nfc = await NfcNetlinkClient.OpenAsync(null, ct);
        // nfc_genl_dump_targets looks the device up inside the dump callback: ENODEV arrives in NLMSG_DONE, not NLMSG_ERROR.
        var e = await Assert.ThrowsAsync<NetlinkException>(() => nfc.GetTargetsAsync(4_000_000, ct));
        Assert.Equal(Errno.ENODEV, e.ErrorNumber);
    }
}
