using System.Globalization;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>
/// Return parameters of Read Management Supported Commands (mgmt-api.txt, 0x0002): Num_Of_Commands (2),
/// Num_Of_Events (2), then the command codes and the event codes (2 octets each). Read Management Version
/// Information and Read Management Supported Commands themselves are never listed but always supported.
/// </summary>
public sealed class MgmtSupportedCommands
{
    private readonly HashSet<ushort> _commands;
    private readonly HashSet<ushort> _events;

    private MgmtSupportedCommands(HashSet<ushort> commands, HashSet<ushort> events)
    {
        _commands = commands;
        _events = events;
    }

    public IReadOnlySet<ushort> Commands => _commands;
    public IReadOnlySet<ushort> Events => _events;

    /// <summary>Whether the kernel accepts <paramref name="opcode"/> (MgmtOpcode.MGMT_OP_*).</summary>
    public bool Supports(ushort opcode) =>
        opcode is MgmtOpcode.MGMT_OP_READ_VERSION or MgmtOpcode.MGMT_OP_READ_COMMANDS || _commands.Contains(opcode);

    /// <summary>Decodes the return parameters; the declared counts are checked against the length before anything is allocated.</summary>
    public static MgmtSupportedCommands Decode(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Read Management Supported Commands");
        int commands = r.U16();
        int events = r.U16();
        if (r.Remaining != 2 * (commands + events))
            throw new MgmtProtocolException(string.Create(CultureInfo.InvariantCulture,
                $"Read Management Supported Commands: {commands} commands and {events} events need {2 * (commands + events)} octets, {r.Remaining} present"));
        var c = new HashSet<ushort>(commands);
        for (int i = 0; i < commands; i++) c.Add(r.U16());
        var e = new HashSet<ushort>(events);
        for (int i = 0; i < events; i++) e.Add(r.U16());
        return new MgmtSupportedCommands(c, e);
    }
}
