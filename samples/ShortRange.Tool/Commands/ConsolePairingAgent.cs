using System.Globalization;
using System.Text;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;
using ShortRange.Tool.Infrastructure;
using Spectre.Console;

namespace ShortRange.Tool.Commands;

/// <summary>
/// The terminal's <see cref="IPairingAgent"/>: asks on a terminal, accepts numeric comparison with --yes,
/// uses --pin for legacy pairing, and otherwise rejects (a script never hangs on a prompt).
/// </summary>
public sealed class ConsolePairingAgent(ToolConsole console, bool autoConfirm, string? pin) : IPairingAgent
{
    public async ValueTask<bool> ConfirmPasskeyAsync(BluetoothDeviceAddress peer, uint passkey, CancellationToken cancellationToken)
    {
        string code = passkey.ToString("D6", CultureInfo.InvariantCulture);
        if (autoConfirm)
        {
            console.Error.WriteLine($"{peer}: confirming passkey {code} (--yes)");
            return true;
        }
        if (console.IsInteractive)
            return await console.Ansi.PromptAsync(new ConfirmationPrompt($"Does {peer} show passkey [bold]{code}[/]?"), cancellationToken).ConfigureAwait(false);
        console.Error.WriteLine($"{peer}: passkey {code} needs confirmation; rejected (pass --yes to accept)");
        return false;
    }

    public async ValueTask<uint?> RequestPasskeyAsync(BluetoothDeviceAddress peer, CancellationToken cancellationToken)
    {
        if (!console.IsInteractive)
        {
            console.Error.WriteLine($"{peer}: asks for the passkey it displays; rejected (not a terminal)");
            return null;
        }
        return await console.Ansi.PromptAsync(new TextPrompt<uint>($"Passkey shown by {peer}:"), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisplayPasskeyAsync(BluetoothDeviceAddress peer, uint passkey, byte entered, CancellationToken cancellationToken)
    {
        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{peer}: type passkey {passkey:D6} on the device ({entered} digits entered)"));
        return ValueTask.CompletedTask;
    }

    public async ValueTask<byte[]?> RequestPinCodeAsync(BluetoothDeviceAddress peer, bool secure, CancellationToken cancellationToken)
    {
        string? value = pin;
        if (value is null && console.IsInteractive)
            value = await console.Ansi.PromptAsync(new TextPrompt<string>($"PIN for {peer}{(secure ? " (16 digits)" : "")}:"), cancellationToken).ConfigureAwait(false);
        if (value is null)
        {
            console.Error.WriteLine($"{peer}: asks for a PIN; rejected (pass --pin)");
            return null;
        }
        return Encoding.UTF8.GetBytes(value);
    }
}
