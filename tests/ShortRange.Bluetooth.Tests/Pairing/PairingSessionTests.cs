using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Bluetooth.Tests.Mgmt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Tests.Pairing;

public sealed class PairingSessionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sr-pair-" + Guid.NewGuid().ToString("N"));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly BluetoothDeviceAddress Peer = new(0x00AA01010000, BluetoothAddressType.BrEdr);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private sealed class Agent : IPairingAgent
    {
        public uint? Confirmed;
        public ValueTask<bool> ConfirmPasskeyAsync(BluetoothDeviceAddress peer, uint passkey, CancellationToken ct) { Confirmed = passkey; return ValueTask.FromResult(true); }
        public ValueTask<uint?> RequestPasskeyAsync(BluetoothDeviceAddress peer, CancellationToken ct) => ValueTask.FromResult<uint?>(123456);
        public ValueTask DisplayPasskeyAsync(BluetoothDeviceAddress peer, uint passkey, byte entered, CancellationToken ct) => ValueTask.CompletedTask;
        public ValueTask<byte[]?> RequestPinCodeAsync(BluetoothDeviceAddress peer, bool secure, CancellationToken ct) => ValueTask.FromResult<byte[]?>(null);
    }

    private static FakeMgmtTransport Kernel() => new()
    {
        Responder = p => p.Code == MgmtOpcode.MGMT_OP_READ_INFO
            ? [FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, MgmtCodecTests.ControllerInfoBytes(0x00AA01000000, "lab", MgmtSettings.Powered))]
            : [FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success)],
    };

    private static async Task<MgmtPacket> NextSent(FakeMgmtTransport k, ushort code)
    {
        MgmtPacket p;
        while ((p = await k.Sent.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct)).Code != code) { }
        return p;
    }

    [Fact]
    public async Task Confirm_request_is_answered_and_stored_key_reloads_after_restart()
    {
        var store = new BondStore(_dir);
        var k = Kernel();
        var agent = new Agent();
        await using (var client = new MgmtClient(k))
        await using (var session = new PairingSession(client, 0, agent, store))
        {
            await session.StartAsync(Ct);
            Assert.Equal(0, session.LoadedBonds);
            k.Inject(MgmtEventCode.MGMT_EV_USER_CONFIRM_REQUEST, 0, [0x00, 0x00, 0x01, 0x01, 0xAA, 0x00, 0x00, 0x00, 0x40, 0xE2, 0x01, 0x00]);
            var reply = await NextSent(k, MgmtOpcode.MGMT_OP_USER_CONFIRM_REPLY);
            Assert.Equal(MgmtCommands.Address(Peer), reply.Parameters.ToArray());
            Assert.Equal(123456u, agent.Confirmed);
            var key = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
            var lk = MgmtCommands.LoadLinkKeys([new LinkKey(Peer, 4, key, 0)]).AsSpan(3).ToArray();
            k.Inject(MgmtEventCode.MGMT_EV_NEW_LINK_KEY, 0, [0x00, .. lk]); // Store_Hint 0: not stored
            k.Inject(MgmtEventCode.MGMT_EV_NEW_LINK_KEY, 0, [0x01, .. lk]);
            for (int i = 0; i < 100 && store.Find(0x00AA01000000, Peer) is null; i++) await Task.Delay(20, Ct);
        }
        // "Restart": a new session loads the stored key into the controller.
        var k2 = Kernel();
        await using var client2 = new MgmtClient(k2);
        await using var session2 = new PairingSession(client2, 0, new Agent(), new BondStore(_dir));
        await session2.StartAsync(Ct);
        Assert.Equal(1, session2.LoadedBonds);
        var load = await NextSent(k2, MgmtOpcode.MGMT_OP_LOAD_LINK_KEYS);
        Assert.Equal(3 + 25, load.Parameters.Length);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (byte)i), load.Parameters.Span.Slice(3 + 8, 16).ToArray());
    }

    [Fact]
    public async Task Passkey_request_is_answered_with_agent_passkey()
    {
        var k = Kernel();
        await using var client = new MgmtClient(k);
        await using var session = new PairingSession(client, 0, new Agent());
        await session.StartAsync(Ct);
        k.Inject(MgmtEventCode.MGMT_EV_USER_PASSKEY_REQUEST, 0, MgmtCommands.Address(Peer));
        var reply = await NextSent(k, MgmtOpcode.MGMT_OP_USER_PASSKEY_REPLY);
        Assert.Equal(MgmtCommands.UserPasskeyReply(Peer, 123456), reply.Parameters.ToArray());
        k.Inject(MgmtEventCode.MGMT_EV_PIN_CODE_REQUEST, 0, [.. MgmtCommands.Address(Peer), 0]);
        await NextSent(k, MgmtOpcode.MGMT_OP_PIN_CODE_NEG_REPLY);
    }
}
