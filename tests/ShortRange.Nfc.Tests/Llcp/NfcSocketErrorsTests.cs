using System.Net.Sockets;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Sockets;

namespace ShortRange.Nfc.Tests.Llcp;

public class NfcSocketErrorsTests
{
    [Theory]
    [InlineData(67, "ENOLINK", "no NFC-DEP link is up")]
    [InlineData(Errno.ENXIO, "ENXIO", "refused or dropped")]
    [InlineData(Errno.EADDRINUSE, "EADDRINUSE", "already bound")]
    [InlineData(Errno.ENOTCONN, "ENOTCONN", "is closed")]
    public void Errno_becomes_one_nfc_sentence(int errno, string name, string sentence)
    {
        var e = NfcSocketErrors.From("connect", errno, "'urn:nfc:sn:snep' via nfc0");
        Assert.Equal(errno, e.ErrorNumber);
        Assert.Equal(name, e.ErrorName);
        Assert.Equal("connect", e.Operation);
        Assert.Contains(sentence, e.Message, StringComparison.Ordinal);
        Assert.Contains("'urn:nfc:sn:snep' via nfc0", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NfcException>(e);
    }

    [Fact]
    public void Runtime_errors_without_errno_keep_the_runtime_text_and_errno_0()
    {
        var e = NfcSocketErrors.From("receive", new SocketException((int)SocketError.SocketError), "x");
        Assert.Equal(0, e.ErrorNumber);
        var known = NfcSocketErrors.From("receive", new SocketException((int)SocketError.NotConnected), "x");
        Assert.Equal(Errno.ENOTCONN, known.ErrorNumber);
    }
}
