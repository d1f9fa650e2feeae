using Microsoft.Extensions.Logging;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Neard.Bus;
using Tmds.DBus.Protocol;
using ShortRange.Nfc.Ndef;

namespace ShortRange.Nfc.Neard;

/// <summary>An NDEF message neard handed to an NDEF agent (GetNDEF fields, doc/agent-api.txt).</summary>
/// <param name="Ndef">The raw NDEF message.</param>
/// <param name="Payload">Payload of the record that matched the registered type.</param>
/// <param name="RecordPath">Object path of that record.</param>
public sealed record NeardNdefEvent(byte[] Ndef, byte[]? Payload, string? RecordPath)
{
    /// <summary>The message's records (parsed on demand; malformed NDEF throws <see cref="NdefFormatException"/>).</summary>
    public IReadOnlyList<NdefRecord> ParseRecords() => NdefMessage.Parse(Ndef);
}

/// <summary>
/// Out-of-band data exchanged with a handover agent (doc/agent-api.txt "Fields"): EIR (Bluetooth SSP, Core 4.0 Vol 3
/// Part C 8.1.6), nokia.com:bt, WSC (Wi-Fi Simple Configuration blob) and State ("active", "inactive", "activating").
/// </summary>
public sealed record NeardOobData
{
    public byte[]? Eir { get; init; }
    public byte[]? NokiaBt { get; init; }
    public byte[]? Wsc { get; init; }
    public NdefCarrierPowerState? State { get; init; }

    public static NeardOobData FromDictionary(IReadOnlyDictionary<string, object> d)
    {
        ArgumentNullException.ThrowIfNull(d);
        NdefCarrierPowerState? state = NeardRecordProperties.Str(d, "State") switch
        {
            null => null,
            "active" => NdefCarrierPowerState.Active,
            "inactive" => NdefCarrierPowerState.Inactive,
            "activating" => NdefCarrierPowerState.Activating,
            var s => throw new NeardException(NeardNames.HandoverAgentErrorPrefix + "Failed", $"unknown carrier power state '{s}'"),
        };
        return new NeardOobData
        {
            Eir = Bytes(d, "EIR"),
            NokiaBt = Bytes(d, "nokia.com:bt"),
            Wsc = Bytes(d, "WSC"),
            State = state,
        };
    }

    public IReadOnlyList<KeyValuePair<string, object>> ToDictionary()
    {
        var d = new List<KeyValuePair<string, object>>();
        if (Eir is not null) d.Add(new("EIR", Eir));
        if (NokiaBt is not null) d.Add(new("nokia.com:bt", NokiaBt));
        if (Wsc is not null) d.Add(new("WSC", Wsc));
        if (State is { } s && s != NdefCarrierPowerState.Unknown) d.Add(new("State", s.ToString().ToLowerInvariant()));
        return d;
    }

    private static byte[]? Bytes(IReadOnlyDictionary<string, object> d, string key) =>
        NeardPropertyReader.Get<byte[]>(d, key);
}

/// <summary>
/// A handover agent (org.neard.HandoverAgent): typically the Bluetooth or Wi-Fi side that owns the carrier. Throw
/// <see cref="NeardException"/> with an "org.neard.HandoverAgent.Error.*" name to return that error to neard.
/// </summary>
public interface INeardHandoverAgent
{
    /// <summary>RequestOOB: return local OOB data; <paramref name="remote"/> holds the peer's data from a Handover Request (may be empty).</summary>
    ValueTask<NeardOobData> RequestOobAsync(NeardOobData remote, CancellationToken cancellationToken);

    /// <summary>PushOOB: the peer's OOB data from a Handover Select; complete once the carrier is ready (e.g. paired).</summary>
    ValueTask PushOobAsync(NeardOobData remote, CancellationToken cancellationToken);

    /// <summary>Release: neard unregistered the agent.</summary>
    void Release();
}

/// <summary>
/// Shared part of the agent objects: the caller check (only the connection that owns org.neard), introspection, and
/// moving the user's callback off the library's receive loop (the request is decoded there, the callback and the reply
/// run on the thread pool, so a slow agent delays no other message on the connection).
/// </summary>
internal abstract class NeardAgentHandler(string path, string @interface, byte[] introspectionXml, Func<string?> owner, ILogger logger) : IPathMethodHandler
{
    public string Path { get; } = path;

    public bool HandlesChildPaths => false;

    protected ILogger Logger { get; } = logger;

    public ValueTask HandleMethodAsync(MethodContext context)
    {
        if (context.IsDBusIntrospectRequest)
        {
            context.ReplyIntrospectXml([introspectionXml], new ReadOnlySpan<string>());
            return ValueTask.CompletedTask;
        }
        var request = context.Request;
        Func<Task>? work = request.InterfaceAsString == @interface || request.InterfaceAsString is null
            ? Decode(context, request.MemberAsString, request.SignatureAsString ?? "")
            : null;
        if (work is null)
        {
            context.ReplyUnknownMethodError();
            return ValueTask.CompletedTask;
        }
        if (!Authorized(context)) return ValueTask.CompletedTask;
        context.DisposesAsynchronously = true;
        _ = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // An agent callback that throws answers neard with an error; it never reaches the connection.
                Logger.LogWarning(e, "neard agent {Path}: {Member} failed", Path, context.Request.MemberAsString);
                if (!context.ReplySent && !context.NoReplyExpected)
                    context.ReplyError(e is NeardException ne ? ne.ErrorName : NeardNames.ErrorPrefix + "Failed", e is NeardException n2 ? n2.ErrorMessage : e.Message);
            }
            finally
            {
                context.Dispose();
            }
        });
        return ValueTask.CompletedTask;
    }

    /// <summary>Decodes the request on the receive loop; returns the work to run off it, or null for an unknown method.</summary>
    protected abstract Func<Task>? Decode(MethodContext context, string? member, string signature);

    private bool Authorized(MethodContext context)
    {
        string? o = owner();
        if (o is not null && string.Equals(context.Request.SenderAsString, o, StringComparison.Ordinal)) return true;
        Logger.LogWarning("refused {Member} from {Sender}: not neard ({Owner})", context.Request.MemberAsString, context.Request.SenderAsString, o ?? "absent");
        context.ReplyError(NeardNames.ErrorPrefix + "PermissionDenied", "Only neard may call this agent");
        return false;
    }

    protected static void ReplyEmpty(MethodContext context)
    {
        if (context.NoReplyExpected) return; // neard sends GetNDEF with NO_REPLY_EXPECTED
        using var w = context.CreateReplyWriter(null);
        context.Reply(w.CreateMessage());
    }

    protected static void ReplyError(MethodContext context, string name, string? message)
    {
        if (!context.NoReplyExpected) context.ReplyError(name, message);
    }
}

internal sealed class NeardNdefAgentHandler(string path, Func<string?> owner, Func<NeardNdefEvent, ValueTask> onNdef, Action? onRelease, ILogger logger)
    : NeardAgentHandler(path, NeardNames.NdefAgentInterface, Xml, owner, logger)
{
    private static readonly byte[] Xml = """
        <interface name="org.neard.NDEFAgent">
          <method name="GetNDEF"><arg name="values" type="a{sv}" direction="in"/></method>
          <method name="Release"/>
        </interface>
        """u8.ToArray();

    protected override Func<Task>? Decode(MethodContext context, string? member, string signature)
    {
        if (member == "GetNDEF" && signature == "a{sv}")
        {
            var r = context.Request.GetBodyReader();
            var d = NeardValues.ReadStringVariantDictionary(ref r);
            // neard sends "Record" as a string although the text says object: accept both.
            var e = NeardPropertyReader.Read(Path, () => new NeardNdefEvent(
                NeardPropertyReader.Get<byte[]>(d, "NDEF") ?? [],
                NeardPropertyReader.Get<byte[]>(d, "Payload"),
                NeardRecordProperties.Str(d, "Record")));
            return async () =>
            {
                await onNdef(e).ConfigureAwait(false);
                ReplyEmpty(context);
            };
        }
        if (member == "Release" && signature.Length == 0)
        {
            return () =>
            {
                ReplyEmpty(context);
                onRelease?.Invoke();
                return Task.CompletedTask;
            };
        }
        return null;
    }
}

internal sealed class NeardHandoverAgentHandler(string path, Func<string?> owner, INeardHandoverAgent agent, ILogger logger)
    : NeardAgentHandler(path, NeardNames.HandoverAgentInterface, Xml, owner, logger)
{
    private static readonly byte[] Xml = """
        <interface name="org.neard.HandoverAgent">
          <method name="RequestOOB"><arg name="values" type="a{sv}" direction="in"/><arg type="a{sv}" direction="out"/></method>
          <method name="PushOOB"><arg name="values" type="a{sv}" direction="in"/></method>
          <method name="Release"/>
        </interface>
        """u8.ToArray();

    protected override Func<Task>? Decode(MethodContext context, string? member, string signature)
    {
        if ((member == "RequestOOB" || member == "PushOOB") && signature == "a{sv}")
        {
            NeardOobData remote;
            try
            {
                var r = context.Request.GetBodyReader();
                remote = NeardOobData.FromDictionary(NeardValues.ReadStringVariantDictionary(ref r));
            }
            catch (NeardException e)
            {
                return () => { ReplyError(context, e.ErrorName, e.ErrorMessage); return Task.CompletedTask; };
            }
            catch (Exception e) when (e is InvalidCastException or OverflowException)
            {
                // A wrongly typed OOB entry: neard (the caller) gets an error reply instead of a crashed handler.
                return () => { ReplyError(context, NeardNames.HandoverAgentErrorPrefix + "Failed", e.Message); return Task.CompletedTask; };
            }
            return () => RunAsync(context, member, remote);
        }
        if (member == "Release" && signature.Length == 0)
        {
            return () =>
            {
                ReplyEmpty(context);
                agent.Release();
                return Task.CompletedTask;
            };
        }
        return null;
    }

    private async Task RunAsync(MethodContext context, string member, NeardOobData remote)
    {
        using var cts = new CancellationTokenSource(NeardBus.DefaultTimeout);
        try
        {
            if (member == "RequestOOB")
            {
                var local = await agent.RequestOobAsync(remote, cts.Token).ConfigureAwait(false);
                if (context.NoReplyExpected) return;
                MessageWriter w = context.CreateReplyWriter("a{sv}");
                try
                {
                    NeardValues.WriteStringVariantDictionary(ref w, local.ToDictionary());
                    context.Reply(w.CreateMessage());
                }
                finally
                {
                    w.Dispose();
                }
            }
            else
            {
                await agent.PushOobAsync(remote, cts.Token).ConfigureAwait(false);
                ReplyEmpty(context);
            }
        }
        catch (NeardException e)
        {
            ReplyError(context, e.ErrorName, e.ErrorMessage);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            ReplyError(context, NeardNames.HandoverAgentErrorPrefix + "Failed", $"{member} timed out");
        }
    }
}
