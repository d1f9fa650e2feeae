using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShortRange.Adapters;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.Errors;

namespace ShortRange.Tool.Tests;

/// <summary>A scanner that emits the given sightings and records whether its radio scan is running.</summary>
internal sealed class FakeScanner(Technology technology, Func<IObserver<DeviceSighting>, IDisposable?> start) : IDeviceScanner
{
    private int _running;
    public Technology Technology => technology;
    public int Starts { get; private set; }
    public bool IsRunning => Volatile.Read(ref _running) > 0;

    public IObservable<DeviceSighting> Scan() => Observable.Create<DeviceSighting>(o =>
    {
        Starts++;
        Interlocked.Increment(ref _running);
        var inner = start(o);
        return Disposable.Create(() =>
        {
            inner?.Dispose();
            Interlocked.Decrement(ref _running);
        });
    });

    public static FakeScanner Unavailable(Technology t, string message) =>
        new(t, o => { o.OnError(new StackUnavailableException(t, message)); return null; });
}

internal sealed class FakeMonitor(Technology technology, Func<IReadOnlyList<AdapterInfo>> list) : IAdapterMonitor
{
    public Technology Technology => technology;
    public IObservable<AdapterEvent> Changes => Observable.Never<AdapterEvent>();
    public Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default) => Task.FromResult(list());
}

internal static class FakeServices
{
    public static Action<IServiceCollection> Scanners(params IDeviceScanner[] scanners) => s =>
    {
        s.RemoveAll<IDeviceScanner>();
        foreach (var x in scanners) s.AddSingleton(x);
    };

    public static Action<IServiceCollection> Monitors(params IAdapterMonitor[] monitors) => s =>
    {
        s.RemoveAll<IAdapterMonitor>();
        foreach (var x in monitors) s.AddSingleton(x);
    };
}
