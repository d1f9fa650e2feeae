using System.Threading.Channels;
using Microsoft.Extensions.Options;
using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Discovery;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;

namespace ShortRange.Robustness.Tests.Resources;

/// <summary>
/// The successful Bluetooth scan path on a fake mgmt controller (this host has no AF_BLUETOOTH): 1000 Scan()
/// subscribe → first sighting → dispose cycles leave memory flat, and every cycle's mgmt channel is closed and its
/// discovery stopped — nothing the scanner started outlives the subscription.
/// </summary>
[Collection(nameof(ResourceCollection))]
public class BluetoothScanCycleTests
{
    [Fact]
    public async Task Bluetooth_scan_subscription_on_a_fake_controller_stops_discovery_and_closes_the_channel()
    {
        var controller = new FakeMgmtController();
        var options = new BluetoothOptions { TransportFactory = controller.Open };
        var scanner = new BluetoothScanner(Options.Create(options));
        await ResourceProbe.AssertFlatAsync("Bluetooth Scan() on a fake mgmt controller: subscribe + first sighting + dispose", async _ =>
        {
            var first = new TaskCompletionSource<DeviceSighting>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (scanner.Scan().Subscribe(s => first.TrySetResult(s), e => first.TrySetException(e)))
                Assert.Equal("hci0", (await first.Task.WaitAsync(TimeSpan.FromSeconds(10))).Adapter);
        });
        // Disposal stops asynchronously (Stop Discovery, then the channel closes): give the last cycles a bounded moment.
        for (int i = 0; i < 100 && (controller.Opened != controller.Closed || controller.Starts != controller.Stops); i++)
            await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Equal(controller.Opened, controller.Closed);
        Assert.Equal(controller.Starts, controller.Stops);
        Assert.True(controller.Starts >= ResourceProbe.Cycles, $"{controller.Starts} discoveries started");
    }

    /// <summary>A powered LE controller hci0 answering the commands a scan sends and reporting one device per discovery.</summary>
    private sealed class FakeMgmtController
    {
        private int _open, _closed, _starts, _stops;
        public int Opened => Volatile.Read(ref _open);
        public int Closed => Volatile.Read(ref _closed);
        public int Starts => Volatile.Read(ref _starts);
        public int Stops => Volatile.Read(ref _stops);

        public IMgmtTransport Open()
        {
            Interlocked.Increment(ref _open);
            return new Transport(this);
        }

        private IEnumerable<byte[]> Answer(MgmtPacket command)
        {
            byte type = command.Parameters.Length > 0 ? command.Parameters.Span[0] : (byte)0;
            switch (command.Code)
            {
                case MgmtOpcode.MGMT_OP_READ_INDEX_LIST:
                    yield return Complete(command, [1, 0, 0, 0]);
                    break;
                case MgmtOpcode.MGMT_OP_READ_INFO:
                    var info = new byte[6 + 1 + 2 + 4 + 4 + 3 + 249 + 11];
                    info[0] = 0x01; info[5] = 0x00; info[6] = 0x09; // BD_ADDR 00:..:01, Bluetooth 5.0
                    uint settings = (uint)(MgmtSettings.Powered | MgmtSettings.LowEnergy);
                    BitConverter.TryWriteBytes(info.AsSpan(9), settings);
                    BitConverter.TryWriteBytes(info.AsSpan(13), settings);
                    "fake"u8.CopyTo(info.AsSpan(20));
                    yield return Complete(command, info);
                    break;
                case MgmtOpcode.MGMT_OP_START_DISCOVERY:
                    Interlocked.Increment(ref _starts);
                    yield return Complete(command, [type]);
                    yield return new MgmtPacket(MgmtEventCode.MGMT_EV_DISCOVERING, 0, (byte[])[type, 1]).ToArray();
                    // Device Found: LE public 11:22:33:44:55:66, RSSI −60, flags 0, EIR = Flags + "s1".
                    yield return new MgmtPacket(MgmtEventCode.MGMT_EV_DEVICE_FOUND, 0,
                        (byte[])[0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x01, 0xC4, 0, 0, 0, 0, 7, 0, 0x02, 0x01, 0x06, 0x03, 0x09, (byte)'s', (byte)'1']).ToArray();
                    break;
                case MgmtOpcode.MGMT_OP_STOP_DISCOVERY:
                    Interlocked.Increment(ref _stops);
                    yield return Complete(command, [type]);
                    yield return new MgmtPacket(MgmtEventCode.MGMT_EV_DISCOVERING, 0, (byte[])[type, 0]).ToArray();
                    break;
                default:
                    yield return new MgmtPacket(MgmtEventCode.MGMT_EV_CMD_STATUS, command.Index,
                        (byte[])[(byte)command.Code, (byte)(command.Code >> 8), (byte)MgmtStatus.NotSupported]).ToArray();
                    break;
            }
        }

        private static byte[] Complete(MgmtPacket command, byte[] ret) =>
            new MgmtPacket(MgmtEventCode.MGMT_EV_CMD_COMPLETE, command.Index,
                (byte[])[(byte)command.Code, (byte)(command.Code >> 8), (byte)MgmtStatus.Success, .. ret]).ToArray();

        private sealed class Transport(FakeMgmtController controller) : IMgmtTransport
        {
            private readonly Channel<byte[]> _toClient = Channel.CreateUnbounded<byte[]>();
            private int _disposed;

            public ValueTask SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken)
            {
                foreach (var d in controller.Answer(MgmtPacket.Decode(packet.Span))) _toClient.Writer.TryWrite(d);
                return ValueTask.CompletedTask;
            }

            public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
            {
                try
                {
                    var d = await _toClient.Reader.ReadAsync(cancellationToken);
                    d.CopyTo(buffer);
                    return d.Length;
                }
                catch (ChannelClosedException) { return 0; }
            }

            public ValueTask DisposeAsync()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Increment(ref controller._closed);
                _toClient.Writer.TryComplete();
                return ValueTask.CompletedTask;
            }
        }
    }
}
