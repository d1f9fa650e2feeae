using Microsoft.Extensions.Logging;
using ShortRange.DBus;
using ShortRange.Nfc.Errors;
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

    public static NeardOobData FromDictionary(IReadOnlyDictionary<string, VariantValue> d)
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

    public IReadOnlyList<KeyValuePair<string, VariantValue>> ToDictionary()
    {
        var d = new List<KeyValuePair<string, VariantValue>>();
        if (Eir is not null) d.Add(new("EIR", Eir));
        if (NokiaBt is not null) d.Add(new("nokia.com:bt", NokiaBt));
        if (Wsc is not null) d.Add(new("WSC", Wsc));
        if (State is { } s && s != NdefCarrierPowerState.Unknown) d.Add(new("State", s.ToString().ToLowerInvariant()));
        return d;
    }

    private static byte[]? Bytes(IReadOnlyDictionary<string, VariantValue> d, string key) =>
        NeardPropertyReader.Get(d, key, v => v.GetByteArray());
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

/// <summary>Shared caller check: agent methods accept calls only from the connection that owns org.neard.</summary>
internal abstract class NeardAgentInterfaceBase(Func<string?> owner, ILogger logger) : DBusInterface
{
    protected ILogger Logger { get; } = logger;

    protected bool Authorized(MethodContext context)
    {
        string? o = owner();
        if (o is not null && string.Equals(context.Sender, o, StringComparison.Ordinal)) return true;
        Logger.LogWarning("refused {Member} from {Sender}: not neard ({Owner})", context.Request.MemberAsString, context.Sender, o ?? "absent");
        context.ReplyError(NeardNames.ErrorPrefix + "PermissionDenied", "Only neard may call this agent");
        return false;
    }
}

internal sealed class NeardNdefAgentInterface(Func<string?> owner, Func<NeardNdefEvent, ValueTask> onNdef, Action? onRelease, ILogger logger)
    : NeardAgentInterfaceBase(owner, logger)
{
    public override string Name => NeardNames.NdefAgentInterface;

    public override string IntrospectionMembersXml => """
        <method name="GetNDEF"><arg name="values" type="a{sv}" direction="in"/></method>
        <method name="Release"/>
        """;

    public override async ValueTask HandleMethodAsync(MethodContext context)
    {
        string? member = context.Request.MemberAsString;
        string sig = context.Request.SignatureAsString;
        if (member == "GetNDEF" && sig == "a{sv}")
        {
            if (!Authorized(context)) return;
            var d = context.Request.GetBodyReader().ReadDictionaryOfStringToVariantValue();
            // neard sends "Record" as a string although the text says object: accept both.
            var e = new NeardNdefEvent(
                d.TryGetValue("NDEF", out var n) ? n.Unwrap().GetByteArray() : [],
                d.TryGetValue("Payload", out var p) ? p.Unwrap().GetByteArray() : null,
                NeardRecordProperties.Str(d, "Record"));
            await onNdef(e).ConfigureAwait(false);
            context.ReplyEmpty(); // neard sends GetNDEF with NO_REPLY_EXPECTED: then this is a no-op
        }
        else if (member == "Release" && sig.Length == 0)
        {
            if (!Authorized(context)) return;
            context.ReplyEmpty();
            onRelease?.Invoke();
        }
    }
}

internal sealed class NeardHandoverAgentInterface(Func<string?> owner, INeardHandoverAgent agent, ILogger logger)
    : NeardAgentInterfaceBase(owner, logger)
{
    public override string Name => NeardNames.HandoverAgentInterface;

    public override string IntrospectionMembersXml => """
        <method name="RequestOOB"><arg name="values" type="a{sv}" direction="in"/><arg type="a{sv}" direction="out"/></method>
        <method name="PushOOB"><arg name="values" type="a{sv}" direction="in"/></method>
        <method name="Release"/>
        """;

    public override async ValueTask HandleMethodAsync(MethodContext context)
    {
        string? member = context.Request.MemberAsString;
        string sig = context.Request.SignatureAsString;
        if ((member == "RequestOOB" || member == "PushOOB") && sig == "a{sv}")
        {
            if (!Authorized(context)) return;
            NeardOobData remote;
            try
            {
                remote = NeardOobData.FromDictionary(context.Request.GetBodyReader().ReadDictionaryOfStringToVariantValue());
            }
            catch (NeardException e)
            {
                context.ReplyError(e.ErrorName, e.ErrorMessage);
                return;
            }
            catch (Exception e) when (e is InvalidCastException or OverflowException)
            {
                // A wrongly typed OOB entry: neard (the caller) gets an error reply instead of a crashed handler.
                context.ReplyError(NeardNames.HandoverAgentErrorPrefix + "Failed", e.Message);
                return;
            }
            using var cts = new CancellationTokenSource(context.Connection.DefaultTimeout);
            try
            {
                if (member == "RequestOOB")
                {
                    var local = await agent.RequestOobAsync(remote, cts.Token).ConfigureAwait(false);
                    using MessageWriter w = context.CreateReplyWriter("a{sv}");
                    w.WriteDictionary(local.ToDictionary());
                    context.Reply(w.CreateMessage());
                }
                else
                {
                    await agent.PushOobAsync(remote, cts.Token).ConfigureAwait(false);
                    context.ReplyEmpty();
                }
            }
            catch (NeardException e)
            {
                context.ReplyError(e.ErrorName, e.ErrorMessage);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                context.ReplyError(NeardNames.HandoverAgentErrorPrefix + "Failed", $"{member} timed out");
            }
        }
        else if (member == "Release" && sig.Length == 0)
        {
            if (!Authorized(context)) return;
            context.ReplyEmpty();
            agent.Release();
        }
    }
}
