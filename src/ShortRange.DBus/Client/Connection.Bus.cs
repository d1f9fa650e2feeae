namespace ShortRange.DBus;

/// <summary>Calls to the bus itself (org.freedesktop.DBus, "Message Bus Messages").</summary>
public sealed partial class Connection
{
    public const string BusName = "org.freedesktop.DBus";
    public const string BusPath = "/org/freedesktop/DBus";
    public const string BusInterface = "org.freedesktop.DBus";

    private Task<string> HelloAsync(CancellationToken ct)
    {
        using MessageWriter w = GetMessageWriter();
        w.WriteMethodCallHeader(BusName, BusPath, BusInterface, "Hello");
        return CallMethodAsync(w.CreateMessage(), static (m, _) => m.GetBodyReader().ReadString(), null, ct);
    }

    internal Task CallBusAsync(string member, string argument, CancellationToken ct = default)
    {
        using MessageWriter w = GetMessageWriter();
        w.WriteMethodCallHeader(BusName, BusPath, BusInterface, member, "s");
        w.WriteString(argument);
        return CallMethodAsync(w.CreateMessage(), ct);
    }

    /// <summary>ListNames: every name currently on the bus.</summary>
    public Task<string[]> ListNamesAsync(CancellationToken cancellationToken = default)
    {
        using MessageWriter w = GetMessageWriter();
        w.WriteMethodCallHeader(BusName, BusPath, BusInterface, "ListNames");
        return CallMethodAsync(w.CreateMessage(), static (m, _) => m.GetBodyReader().ReadArrayOfString(), null, cancellationToken);
    }

    /// <summary>GetNameOwner: the unique name owning <paramref name="name"/> (NameHasNoOwner error when none).</summary>
    public Task<string> GetNameOwnerAsync(string name, CancellationToken cancellationToken = default)
    {
        using MessageWriter w = GetMessageWriter();
        w.WriteMethodCallHeader(BusName, BusPath, BusInterface, "GetNameOwner", "s");
        w.WriteString(name);
        return CallMethodAsync(w.CreateMessage(), static (m, _) => m.GetBodyReader().ReadString(), null, cancellationToken);
    }

    /// <summary>NameHasOwner.</summary>
    public Task<bool> NameHasOwnerAsync(string name, CancellationToken cancellationToken = default)
    {
        using MessageWriter w = GetMessageWriter();
        w.WriteMethodCallHeader(BusName, BusPath, BusInterface, "NameHasOwner", "s");
        w.WriteString(name);
        return CallMethodAsync(w.CreateMessage(), static (m, _) => m.GetBodyReader().ReadBool(), null, cancellationToken);
    }

    /// <summary>RequestName.</summary>
    public Task<RequestNameReply> RequestNameAsync(string name, RequestNameFlags flags = RequestNameFlags.DoNotQueue, CancellationToken cancellationToken = default)
    {
        using MessageWriter w = GetMessageWriter();
        w.WriteMethodCallHeader(BusName, BusPath, BusInterface, "RequestName", "su");
        w.WriteString(name);
        w.WriteUInt32((uint)flags);
        return CallMethodAsync(w.CreateMessage(), static (m, _) => (RequestNameReply)m.GetBodyReader().ReadUInt32(), null, cancellationToken);
    }

    /// <summary>ReleaseName.</summary>
    public Task<ReleaseNameReply> ReleaseNameAsync(string name, CancellationToken cancellationToken = default)
    {
        using MessageWriter w = GetMessageWriter();
        w.WriteMethodCallHeader(BusName, BusPath, BusInterface, "ReleaseName", "s");
        w.WriteString(name);
        return CallMethodAsync(w.CreateMessage(), static (m, _) => (ReleaseNameReply)m.GetBodyReader().ReadUInt32(), null, cancellationToken);
    }

    /// <summary>NameOwnerChanged signals, for one <paramref name="name"/> (arg0 match) or all names.</summary>
    public IObservable<NameOwnerChange> WatchNameOwnerChanged(string? name = null) =>
        WatchSignal(new MatchRule
        {
            Sender = BusName,
            Path = BusPath,
            Interface = BusInterface,
            Member = "NameOwnerChanged",
            Arg0 = name,
        }, static (m, _) =>
        {
            Reader r = m.GetBodyReader();
            string n = r.ReadString();
            string oldOwner = r.ReadString();
            string newOwner = r.ReadString();
            return new NameOwnerChange(n, oldOwner.Length == 0 ? null : oldOwner, newOwner.Length == 0 ? null : newOwner);
        });
}
