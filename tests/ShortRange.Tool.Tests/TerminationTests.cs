using System.Runtime.InteropServices;
using Microsoft.Extensions.Time.Testing;
using ShortRange.Devices;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Tests;

/// <summary>
/// Ctrl+C / SIGTERM (<see cref="TerminationSignals"/>) through the whole command tree: the run waits for the command
/// to stop its radio work, whenever the signal comes; only a command that does not stop in time is cut short.
/// </summary>
public class TerminationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly BluetoothDeviceAddress Peer = BluetoothDeviceAddress.Parse("00:AA:01:01:00:24");

    private static DeviceSighting Sighting() =>
        new(Peer, "hci0", DateTimeOffset.Parse("2026-12-04T17:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "peer", -60, SignalKind.Rssi);

    private static async Task<ToolRunner.Result> RunAsync(string[] args, FakeScanner scanner, TerminationSignals signals)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int code = await ToolApp.RunAsync(args, new ToolConsole(stdout, stderr, isInteractive: false), FakeServices.Scanners(scanner), signals);
        return new ToolRunner.Result(code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task A_signal_during_the_commands_synchronous_start_still_waits_for_the_command()
    {
        // The lab's `lowpan listen` flake: the command printed before its first await and the signal came right then.
        // System.CommandLine 3.0.0's own handler ends such a run with 130 at once; the command's result is what counts.
        using var signals = TerminationSignals.Manual(ToolApp.StopGrace, cancellationToken: Ct);
        var scanner = new FakeScanner(Technology.Bluetooth, o =>
        {
            o.OnNext(Sighting());
            signals.Raise(PosixSignal.SIGINT);
            return null;
        });
        var r = await RunAsync(["scan", "--timeout", "0"], scanner, signals).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal("found   bt     00:AA:01:01:00:24 hci0 -60 dBm \"peer\"\n", r.Out);
        Assert.Equal("1 device(s) seen", r.ErrorLines[^1]);
        Assert.False(scanner.IsRunning, "Ctrl+C must stop the radio scan");
        Assert.False(signals.Forced.IsCompleted, "the command stopped in time; nothing was forced");
    }

    [Fact]
    public async Task A_command_that_does_not_stop_within_the_grace_period_ends_with_130()
    {
        var time = new FakeTimeProvider();
        using var signals = TerminationSignals.Manual(ToolApp.StopGrace, time, Ct);
        using var release = new ManualResetEventSlim();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A radio that hangs while being stopped (its disposal blocks until the test releases it).
        var scanner = new FakeScanner(Technology.Bluetooth, o =>
        {
            started.TrySetResult();
            return System.Reactive.Disposables.Disposable.Create(() => release.Wait(TimeSpan.FromSeconds(30)));
        });
        var run = RunAsync(["scan", "--timeout", "0"], scanner, signals);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        signals.Raise(PosixSignal.SIGINT);
        time.Advance(ToolApp.StopGrace - TimeSpan.FromMilliseconds(1));
        Assert.False(signals.Forced.IsCompleted, "forced before the grace period ran out");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var r = await run.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(ExitCodes.Cancelled, r.ExitCode);
        release.Set();
    }

    [Fact]
    public async Task A_second_signal_ends_the_run_at_once_and_sigterm_is_143()
    {
        using var signals = TerminationSignals.Manual(ToolApp.StopGrace, new FakeTimeProvider(), Ct);
        using var release = new ManualResetEventSlim();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scanner = new FakeScanner(Technology.Bluetooth, o =>
        {
            started.TrySetResult();
            return System.Reactive.Disposables.Disposable.Create(() => release.Wait(TimeSpan.FromSeconds(30)));
        });
        var run = RunAsync(["scan", "--timeout", "0"], scanner, signals);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        signals.Raise(PosixSignal.SIGTERM);
        Assert.False(signals.Forced.IsCompleted, "one signal asks the command to stop; it must not force");
        signals.Raise(PosixSignal.SIGTERM);
        var r = await run.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(128 + 15, r.ExitCode);
        release.Set();
    }
}
