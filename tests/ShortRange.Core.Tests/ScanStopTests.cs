using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.Devices;
using ShortRange.Discovery;

namespace ShortRange.Core.Tests;

/// <summary>
/// Disposal only starts a radio's stop; <see cref="ScanRuns.WhenStoppedAsync"/> and
/// <see cref="IDeviceDiscovery.StopIdleScansAsync"/> let a host wait until the radio has stopped.
/// </summary>
public class ScanStopTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A scanner whose stop (the run's finally) waits for the test to release it, like a radio's stop command.</summary>
    private sealed class SlowStopScanner : IDeviceScanner
    {
        private readonly ScanRuns _runs = new();
        public TaskCompletionSource RadioStopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource StopRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Runs;
        public Technology Technology => Technology.Bluetooth;
        public IObservable<DeviceSighting> Scan() => _runs.Create<DeviceSighting>(RunAsync);
        public Task WhenStoppedAsync(CancellationToken ct = default) => _runs.WhenStoppedAsync(ct);

        private async Task RunAsync(IObserver<DeviceSighting> observer, CancellationToken ct)
        {
            Interlocked.Increment(ref Runs);
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { }
            StopRequested.TrySetResult();
            await RadioStopped.Task;
        }
    }

    [Fact]
    public async Task WhenStopped_completes_only_after_the_disposed_run_has_finished_its_stop()
    {
        var scanner = new SlowStopScanner();
        Assert.True(scanner.WhenStoppedAsync(Ct).IsCompleted); // nothing is stopping
        var sub = scanner.Scan().Subscribe(_ => { });
        Assert.True(scanner.WhenStoppedAsync(Ct).IsCompleted); // running, not stopping: nothing to wait for
        sub.Dispose();
        await scanner.StopRequested.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        var stopped = scanner.WhenStoppedAsync(Ct);
        Assert.False(stopped.IsCompleted);
        scanner.RadioStopped.SetResult();
        await stopped.WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task A_run_that_fails_before_disposal_ends_the_stream_with_its_exception()
    {
        var runs = new ScanRuns();
        var failed = await Assert.ThrowsAsync<TimeoutException>(() =>
            runs.Create<int>((_, _) => Task.FromException(new TimeoutException("radio"))).FirstAsync().ToTask());
        Assert.Equal("radio", failed.Message);
        Assert.True(runs.WhenStoppedAsync(Ct).IsCompleted);
    }

    [Fact]
    public async Task StopIdleScans_cuts_the_disconnect_delay_short_and_waits_for_the_radio()
    {
        var scanner = new SlowStopScanner();
        var clock = new HistoricalScheduler();
        var discovery = new TechnologyDiscovery(scanner, new DiscoveryOptions { Scheduler = clock, DisconnectDelay = TimeSpan.FromMinutes(10) });
        discovery.Discover().Subscribe(_ => { }).Dispose();
        Assert.True(discovery.IsScanning); // the disconnect delay keeps the radio on

        var stopped = discovery.StopIdleScansAsync(Ct);
        Assert.False(discovery.IsScanning);
        await scanner.StopRequested.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.False(stopped.IsCompleted);
        scanner.RadioStopped.SetResult();
        await stopped.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        clock.AdvanceBy(TimeSpan.FromMinutes(11)); // the cancelled delayed stop does nothing more
        Assert.Equal(1, scanner.Runs);
    }

    [Fact]
    public async Task StopIdleScans_leaves_a_scan_that_still_has_subscribers_running()
    {
        var scanner = new SlowStopScanner();
        var aggregate = new ShortRangeDiscovery([new TechnologyDiscovery(scanner, new DiscoveryOptions { DisconnectDelay = TimeSpan.FromMinutes(10) })]);
        using var sub = aggregate.Discover().Subscribe(_ => { });
        await aggregate.StopIdleScansAsync(Ct).WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.True(((TechnologyDiscovery)aggregate.GetDiscovery(Technology.Bluetooth)).IsScanning);
        Assert.False(scanner.StopRequested.Task.IsCompleted);
    }
}
