using System.Reactive.Subjects;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;
using ShortRange.Bluetooth.Bnep;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Tests;

/// <summary>An in-memory L2CAP channel: the test plays the peer through <see cref="Deliver"/> and <see cref="Sent"/>.</summary>
internal sealed class FakeBnepChannel : IBnepChannel
{
    private readonly Channel<byte[]> _incoming = Channel.CreateUnbounded<byte[]>();
    private byte[]? _peeked;

    public List<byte[]> Sent { get; } = [];
    public bool Disposed { get; private set; }
    public int Peeks { get; private set; }
    /// <summary>True while a packet was peeked and not consumed (it stays for the kernel).</summary>
    public bool HasQueuedPacket => _peeked is not null;
    public SafeHandle Handle { get; } = new SafeFileHandle(-1, ownsHandle: false);

    /// <summary>Runs after each send: lets the test play a peer that reacts to what it read (e.g. closes).</summary>
    public Action<byte[]>? OnSent { get; set; }
    /// <summary>True once a receive reported the peer's close (0).</summary>
    public bool SawPeerClose { get; private set; }
    /// <summary>Whether the peer's close had been read when the channel was disposed.</summary>
    public bool? DisposedAfterPeerClose { get; private set; }

    public void Deliver(string hex) => _incoming.Writer.TryWrite(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)));
    public void Close() => _incoming.Writer.TryComplete();
    /// <summary>The next receive returns 0 once, before queued packets: the kernel reporting a reset (sk_err) first.</summary>
    public void InjectReset() => _reset = true;
    private bool _reset;

    public ValueTask SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken)
    {
        var p = packet.ToArray();
        lock (Sent) Sent.Add(p);
        OnSent?.Invoke(p);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, bool peek, CancellationToken cancellationToken)
    {
        byte[] p;
        if (_reset)
        {
            _reset = false;
            return 0;
        }
        if (_peeked is not null) p = _peeked;
        else if (await _incoming.Reader.WaitToReadAsync(cancellationToken)) p = await _incoming.Reader.ReadAsync(cancellationToken);
        else
        {
            SawPeerClose = true;
            return 0;
        }
        _peeked = peek ? p : null;
        if (peek) Peeks++;
        p.CopyTo(buffer);
        return p.Length;
    }

    public void Dispose()
    {
        DisposedAfterPeerClose ??= SawPeerClose;
        Disposed = true;
    }
}

/// <summary>The kernel's session table: BNEPCONNADD announces the link on <see cref="FakePanNetwork"/>.</summary>
internal sealed class FakeBnepKernel(FakePanNetwork network, ulong peer, uint features = 1) : IBnepKernel
{
    private readonly Dictionary<ulong, BnepConnectionInfo> _sessions = [];
    public List<(uint Flags, BnepRole Role)> Added { get; } = [];
    public List<ulong> Deleted { get; } = [];
    public int? FailAddWith { get; set; }
    public bool AnnounceLink { get; set; } = true;
    public int LastIndex { get; private set; }

    public uint GetSupportedFeatures() => features;

    public string AddConnection(SafeHandle l2capSocket, uint flags, BnepRole localRole, string? interfaceName)
    {
        if (FailAddWith is int errno) throw new BnepException("BNEPCONNADD", errno);
        Added.Add((flags, localRole));
        string name = interfaceName ?? $"bnep{Added.Count - 1}";
        lock (_sessions) _sessions[peer] = new BnepConnectionInfo(peer, localRole, 1, name, 0);
        LastIndex = 40 + Added.Count;
        if (AnnounceLink) network.Raise(new BnepLinkEvent(LastIndex, name, false, false));
        return name;
    }

    /// <summary>The session thread ending: unregister the netdev (link event), then unlink the session.</summary>
    public void EndSession(bool announce = true)
    {
        BnepConnectionInfo? s;
        lock (_sessions) _sessions.Remove(peer, out s);
        if (s is not null && announce) network.Raise(new BnepLinkEvent(LastIndex, s.InterfaceName, true, false));
    }

    public bool DeleteConnection(ulong p)
    {
        Deleted.Add(p);
        bool exists;
        lock (_sessions) exists = _sessions.ContainsKey(p);
        if (exists) EndSession();
        return exists;
    }

    public BnepConnectionInfo? GetConnectionInfo(ulong p)
    {
        lock (_sessions) return _sessions.GetValueOrDefault(p);
    }

    public IReadOnlyList<BnepConnectionInfo> GetConnections(int max = 64)
    {
        lock (_sessions) return _sessions.Values.Take(max).ToList();
    }

    public bool Disposed { get; private set; }
    public void Dispose() => Disposed = true;
}

internal sealed class FakePanNetwork : IPanNetwork
{
    private readonly Subject<BnepLinkEvent> _events = new();
    public List<string> Calls { get; } = [];
    public IObservable<BnepLinkEvent> LinkEvents => _events;
    public void Raise(BnepLinkEvent e) => _events.OnNext(e);
    public bool Disposed { get; private set; }

    public Task<int?> FindLinkAsync(string name, CancellationToken cancellationToken) => Task.FromResult<int?>(null);

    public Task<(int Index, bool Created)> EnsureBridgeAsync(string name, CancellationToken cancellationToken)
    {
        Calls.Add("bridge " + name);
        return Task.FromResult((7, true));
    }

    public Task SetMasterAsync(int index, int masterIndex, CancellationToken cancellationToken)
    {
        Calls.Add($"master {index} {masterIndex}");
        return Task.CompletedTask;
    }

    public Task SetUpAsync(int index, CancellationToken cancellationToken)
    {
        Calls.Add($"up {index}");
        return Task.CompletedTask;
    }

    public Task DeleteLinkAsync(int index, CancellationToken cancellationToken)
    {
        Calls.Add($"delete {index}");
        return Task.CompletedTask;
    }

    public void Dispose() => Disposed = true;
}
