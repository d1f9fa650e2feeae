using System.Runtime.InteropServices;

namespace ShortRange.Tool.Infrastructure;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM for one run of the tool: the first signal cancels <see cref="Token"/> and the command
/// ends its radio work and returns; if it has not returned <c>grace</c> later, or a second signal arrives,
/// <see cref="Forced"/> completes with 128 + the signal number.
/// </summary>
/// <remarks>
/// Why not System.CommandLine's own <c>ProcessTerminationTimeout</c>: in 3.0.0 its handler learns the action's task
/// only when the action's synchronous part returns (the first await that does not complete at once), and a signal
/// that arrives before that ends the invocation with 130 immediately, without waiting for the action. `lowpan listen`
/// prints a packet inside that synchronous part whenever its first receive finds the packet already queued, so a
/// Ctrl+C sent after seeing the packet could hit that window (lab run k6: exit 130 0.4 s after SIGINT, no "cancelled").
/// Registered before anything is invoked, this handler needs no task to wait for: the run waits for the action.
/// </remarks>
public sealed class TerminationSignals : IDisposable
{
    private const int SIGINT = 2, SIGTERM = 15; // signal(7)

    private readonly CancellationTokenSource _cancel;
    private readonly TaskCompletionSource<int> _forced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _grace;
    private readonly TimeProvider _time;
    private readonly PosixSignalRegistration? _sigInt, _sigTerm;
    private ITimer? _graceTimer;
    private int _signals;

    private TerminationSignals(TimeSpan grace, TimeProvider time, CancellationToken cancellationToken, bool register)
    {
        _grace = grace;
        _time = time;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (register)
        {
            _sigInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            _sigTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        }
    }

    /// <summary>Handles the process's SIGINT and SIGTERM until disposed.</summary>
    public static TerminationSignals Register(TimeSpan grace) => new(grace, TimeProvider.System, CancellationToken.None, register: true);

    /// <summary>No process signals: only <see cref="Raise"/> delivers one (tests).</summary>
    public static TerminationSignals Manual(TimeSpan grace, TimeProvider? time = null, CancellationToken cancellationToken = default) =>
        new(grace, time ?? TimeProvider.System, cancellationToken, register: false);

    /// <summary>Cancelled by the first signal (or by the token the run was given).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Completes with 130 (SIGINT) or 143 (SIGTERM) when the command did not end in time, or on a second signal.</summary>
    public Task<int> Forced => _forced.Task;

    /// <summary>Delivers <paramref name="signal"/> as if the process had received it.</summary>
    public void Raise(PosixSignal signal)
    {
        int code = 128 + (signal == PosixSignal.SIGTERM ? SIGTERM : SIGINT);
        if (Interlocked.Increment(ref _signals) > 1)
        {
            _forced.TrySetResult(code); // a second Ctrl+C: the user does not want to wait
            return;
        }
        try
        {
            _graceTimer = _time.CreateTimer(_ => _forced.TrySetResult(code), null, _grace, Timeout.InfiniteTimeSpan);
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run has ended while the signal was being dispatched; nothing is left to stop.
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the command ends itself; the runtime must not terminate the process
        Raise(context.Signal);
    }

    public void Dispose()
    {
        _sigInt?.Dispose();
        _sigTerm?.Dispose();
        _graceTimer?.Dispose();
        _cancel.Dispose();
    }
}
