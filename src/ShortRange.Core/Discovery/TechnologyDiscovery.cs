using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Devices;

namespace ShortRange.Discovery;

/// <summary>
/// Turns one technology's raw sightings (<see cref="IDeviceScanner"/>) into Found/Updated/Lost,
/// sharing one scanner subscription among all subscribers.
/// </summary>
/// <remarks>
/// Concurrency: sightings arrive on the scanner's thread, timers on the scheduler's, subscribe and
/// dispose on the callers'. One gate serializes all of them, and events are delivered under it, so
/// every subscriber sees one consistent order (Found before Updated before Lost) and a joining
/// subscriber's snapshot cannot interleave with a live event. The gate is a Monitor (re-entrant)
/// because a scanner may emit synchronously while being subscribed.
/// </remarks>
public sealed class TechnologyDiscovery : ITechnologyDiscovery
{
    private readonly IDeviceScanner _scanner;
    private readonly DiscoveryOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private ScanSession? _session;

    public TechnologyDiscovery(IDeviceScanner scanner, DiscoveryOptions? options = null, ILogger<TechnologyDiscovery>? logger = null)
    {
        _scanner = scanner ?? throw new ArgumentNullException(nameof(scanner));
        _options = options ?? new DiscoveryOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public Technology Technology => _scanner.Technology;

    /// <summary>True while the scanner subscription is live (for diagnostics and tests).</summary>
    public bool IsScanning { get { lock (_gate) return _session is { Stopped: false }; } }

    public IObservable<DiscoveryEvent> Discover(DiscoveryFilter? filter = null)
    {
        var all = Observable.Create<DiscoveryEvent>(Subscribe);
        return filter is null ? all : all.Filter(filter);
    }

    private IDisposable Subscribe(IObserver<DiscoveryEvent> observer)
    {
        lock (_gate)
        {
            var session = _session;
            if (session is null)
            {
                session = _session = new ScanSession(this);
                session.Observers.Add(observer);
                _logger.LogDebug("{Technology} scan starting", Technology);
                session.Start();
                // Start may have ended the session already (precondition failed synchronously).
                if (session.Stopped) return Disposable.Empty;
            }
            else
            {
                session.CancelPendingStop();
                foreach (var device in session.Devices.Values)
                    observer.OnNext(new DiscoveryEvent(DiscoveryEventKind.Found, device));
                session.Observers.Add(observer);
            }
            return Disposable.Create(() => Unsubscribe(session, observer));
        }
    }

    public Task StopIdleScansAsync(CancellationToken ct = default)
    {
        lock (_gate)
            if (_session is { Stopped: false, Observers.Count: 0 } idle) Stop(idle, "idle scans stopped on request");
        return _scanner.WhenStoppedAsync(ct);
    }

    private void Unsubscribe(ScanSession session, IObserver<DiscoveryEvent> observer)
    {
        lock (_gate)
        {
            if (!session.Observers.Remove(observer) || session.Observers.Count > 0 || session.Stopped) return;
            if (_options.DisconnectDelay <= TimeSpan.Zero) Stop(session, "last subscriber left");
            else session.PendingStop = _options.Scheduler.Schedule(_options.DisconnectDelay, () =>
            {
                lock (_gate)
                    if (session.Observers.Count == 0) Stop(session, "last subscriber left");
            });
        }
    }

    private void Stop(ScanSession session, string why)
    {
        if (session.Stopped) return;
        session.Stopped = true;
        if (ReferenceEquals(_session, session)) _session = null;
        _logger.LogDebug("{Technology} scan stopping: {Reason}", Technology, why);
        session.Dispose();
    }

    private sealed class ScanSession(TechnologyDiscovery owner) : IDisposable
    {
        private readonly SingleAssignmentDisposable _scan = new();
        private readonly Dictionary<DeviceAddress, IDisposable> _lostTimers = [];

        public List<IObserver<DiscoveryEvent>> Observers { get; } = [];
        public Dictionary<DeviceAddress, DiscoveredDevice> Devices { get; } = [];
        public IDisposable? PendingStop { get; set; }
        public bool Stopped { get; set; }

        public void Start()
        {
            IObservable<DeviceSighting> sightings;
            try { sightings = owner._scanner.Scan(); }
            catch (Exception ex) { OnError(ex); return; }
            _scan.Disposable = sightings.Subscribe(OnSighting, OnError, OnCompleted);
        }

        public void CancelPendingStop()
        {
            PendingStop?.Dispose();
            PendingStop = null;
        }

        private void OnSighting(DeviceSighting s)
        {
            lock (owner._gate)
            {
                if (Stopped) return;
                if (s.IsGone)
                {
                    ReportLost(s.Address);
                    return;
                }
                DiscoveryEvent evt;
                if (Devices.TryGetValue(s.Address, out var known))
                {
                    var merged = known with
                    {
                        Adapter = s.Adapter,
                        Name = s.Name ?? known.Name,
                        Signal = s.Signal ?? known.Signal,
                        SignalKind = s.SignalKind ?? known.SignalKind,
                        Details = s.Details ?? known.Details,
                        LastSeen = s.Timestamp > known.LastSeen ? s.Timestamp : known.LastSeen,
                    };
                    Devices[s.Address] = merged;
                    ArmLostTimer(s.Address);
                    // Only meaningful changes are events; a bare "seen again" just refreshes Lost.
                    if (merged.Name == known.Name && merged.Signal == known.Signal && Equals(merged.Details, known.Details))
                        return;
                    evt = new DiscoveryEvent(DiscoveryEventKind.Updated, merged);
                }
                else
                {
                    var device = new DiscoveredDevice(s.Address, s.Adapter, s.Name, s.Signal, s.SignalKind, s.Timestamp, s.Timestamp, s.Details);
                    Devices.Add(s.Address, device);
                    ArmLostTimer(s.Address);
                    evt = new DiscoveryEvent(DiscoveryEventKind.Found, device);
                }
                Publish(evt);
            }
        }

        private void ArmLostTimer(DeviceAddress address)
        {
            if (_lostTimers.Remove(address, out var old)) old.Dispose();
            var silence = owner._options.GetLostAfter(owner.Technology);
            _lostTimers[address] = owner._options.Scheduler.Schedule(silence, () =>
            {
                lock (owner._gate)
                    if (!Stopped) ReportLost(address);
            });
        }

        private void ReportLost(DeviceAddress address)
        {
            if (_lostTimers.Remove(address, out var timer)) timer.Dispose();
            if (Devices.Remove(address, out var device))
                Publish(new DiscoveryEvent(DiscoveryEventKind.Lost, device));
        }

        private void Publish(DiscoveryEvent evt)
        {
            // Snapshot: an observer may unsubscribe from inside OnNext.
            foreach (var o in Observers.ToArray()) o.OnNext(evt);
        }

        private void OnError(Exception error)
        {
            lock (owner._gate)
            {
                if (Stopped) return;
                owner._logger.LogWarning(error, "{Technology} scan failed", owner.Technology);
                var observers = Observers.ToArray();
                owner.Stop(this, "scan failed");
                foreach (var o in observers) o.OnError(error);
            }
        }

        private void OnCompleted()
        {
            lock (owner._gate)
            {
                if (Stopped) return;
                var observers = Observers.ToArray();
                owner.Stop(this, "scanner completed");
                foreach (var o in observers) o.OnCompleted();
            }
        }

        public void Dispose()
        {
            CancelPendingStop();
            foreach (var t in _lostTimers.Values) t.Dispose();
            _lostTimers.Clear();
            _scan.Dispose();
        }
    }
}
