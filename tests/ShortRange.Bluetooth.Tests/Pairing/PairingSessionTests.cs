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

    // Byte layouts written by hand from BlueZ doc/mgmt-api.txt. An mgmt Address is the bdaddr little-endian (6)
    // followed by Address_Type (1; 0 = BR/EDR).
    private static readonly byte[] PeerAddress = [0x00, 0x00, 0x01, 0x01, 0xAA, 0x00, 0x00];

    // "New Link Key Event": Store_Hint (1), then Key = Address (6), Address_Type (1), Key_Type (1), Value (16),
    // PIN_Length (1). Key_Type 4 = Unauthenticated Combination key from P-192.
    private static readonly byte[] LinkKeyFields =
    [
        .. PeerAddress, 0x04,
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10,
        0x00,
    ];

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
            Assert.Equal(PeerAddress, reply.Parameters.ToArray()); // "User Confirmation Reply Command": Address, Address_Type
            Assert.Equal(123456u, agent.Confirmed);
            k.Inject(MgmtEventCode.MGMT_EV_NEW_LINK_KEY, 0, [0x00, .. LinkKeyFields]); // Store_Hint 0: not stored
            k.Inject(MgmtEventCode.MGMT_EV_NEW_LINK_KEY, 0, [0x01, .. LinkKeyFields]);
            for (int i = 0; i < 100 && store.Find(0x00AA01000000, Peer) is null; i++) await Task.Delay(20, Ct);
        }
        // "Restart": a new session loads the stored key into the controller.
        var k2 = Kernel();
        await using var client2 = new MgmtClient(k2);
        await using var session2 = new PairingSession(client2, 0, new Agent(), new BondStore(_dir));
        await session2.StartAsync(Ct);
        Assert.Equal(1, session2.LoadedBonds);
        var load = await NextSent(k2, MgmtOpcode.MGMT_OP_LOAD_LINK_KEYS);
        // "Load Link Keys Command": Debug_Keys (1) = 0, Key_Count (2, LE) = 1, then the key exactly as the event carried it.
        Assert.Equal([0x00, 0x01, 0x00, .. LinkKeyFields], load.Parameters.ToArray());
    }

    [Fact]
    public async Task Passkey_request_is_answered_with_agent_passkey()
    {
        var k = Kernel();
        await using var client = new MgmtClient(k);
        await using var session = new PairingSession(client, 0, new Agent());
        await session.StartAsync(Ct);
        k.Inject(MgmtEventCode.MGMT_EV_USER_PASSKEY_REQUEST, 0, PeerAddress);
        var reply = await NextSent(k, MgmtOpcode.MGMT_OP_USER_PASSKEY_REPLY);
        // "User Passkey Reply Command": Address, Address_Type, Passkey (4, LE): 123456 = 0x0001E240.
        Assert.Equal([.. PeerAddress, 0x40, 0xE2, 0x01, 0x00], reply.Parameters.ToArray());
        k.Inject(MgmtEventCode.MGMT_EV_PIN_CODE_REQUEST, 0, [.. PeerAddress, 0]); // Address, Address_Type, Secure
        await NextSent(k, MgmtOpcode.MGMT_OP_PIN_CODE_NEG_REPLY);
    }
}
