using System.Text;
using ShortRange.HwTests.Infrastructure;
using ShortRange.HwTests.Nfc;

namespace ShortRange.HwTests.Tool;

/// <summary>
/// `nfc push`/`nfc read` from nfc0 against `nfc listen` on nfc1 (nfcsim: two NFC-DEP devices linked back to back),
/// two tool processes as two phones would be. Each test starts from freshly loaded nfcsim devices.
/// </summary>
public class ToolNfcHwTests
{
    // The peer's side goes into the message too: a failed exchange is explained by what listen saw.
    private static void Ok(ProcessResult r, ShortRangeTool.Running peer) => Assert.True(r.ExitCode == 0,
        $"{r.Command}: exit {r.ExitCode}; stderr: {r.StandardError}; stdout: {r.StandardOutput}; listen's stderr: {string.Join(" | ", peer.Error)}");

    [Fact]
    public void Push_reaches_listen_on_the_peer()
    {
        LabRequire.InLab();
        LabRequire.Root();
        NfcLab.Fresh(); // first: a reload can renumber the devices
        var (local, peer) = LabRequire.NfcPair();
        const string Uri = "https://example.com/shortrange";
        using var listen = ShortRangeTool.Start("nfc", "listen", "--adapter", peer, "--count", "1");
        listen.WaitForError("waiting for a peer");
        var push = ShortRangeTool.Run("nfc", "push", "--adapter", local, "--uri", Uri, "--timeout", "90");
        Ok(push, listen);
        Assert.StartsWith($"pushed ", push.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, listen.WaitForExit());
        // URI RTD: identifier code 0x04 abbreviates "https://".
        string payload = "04" + Convert.ToHexStringLower(Encoding.ASCII.GetBytes("example.com/shortrange"));
        Assert.Equal([$"[0] tnf=well-known type=\"U\" id=\"\" payload={payload} uri=\"{Uri}\""], listen.Out);
    }

    [Fact]
    public void Read_gets_what_listen_serves()
    {
        LabRequire.InLab();
        LabRequire.Root();
        NfcLab.Fresh(); // first: a reload can renumber the devices
        var (local, peer) = LabRequire.NfcPair();
        using var listen = ShortRangeTool.Start("nfc", "listen", "--adapter", peer, "--count", "1", "--text", "hello from the peer");
        listen.WaitForError("waiting for a peer");
        var read = ShortRangeTool.Run("nfc", "read", "--adapter", local, "--timeout", "90", "--format", "json");
        Ok(read, listen);
        // Text RTD: status byte 0x02 (UTF-8, language length 2), "en", then the text.
        string payload = "02656e" + Convert.ToHexStringLower(Encoding.UTF8.GetBytes("hello from the peer"));
        Assert.Equal($"[{{\"tnf\":1,\"type\":\"T\",\"id\":\"\",\"payload\":\"{payload}\",\"text\":\"hello from the peer\",\"lang\":\"en\"}}]", read.StandardOutput.Trim());
        Assert.Equal(0, listen.WaitForExit());
    }
}
