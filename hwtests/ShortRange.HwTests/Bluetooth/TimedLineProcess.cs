using System.Diagnostics;
using System.Text;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// A BlueZ tool run line-buffered (stdbuf -oL: gatttool prints through stdio, fully buffered on a pipe) whose stdout
/// lines are stamped with <see cref="Stopwatch.GetTimestamp"/> as they arrive; stdin stays open for interactive mode.
/// </summary>
internal sealed class TimedLineProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<(long Timestamp, string Line)> _lines = [];
    private readonly StringBuilder _log = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    public TimedLineProcess(string tool, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("stdbuf") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-oL");
        psi.ArgumentList.Add(tool);
        foreach (var a in args) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            long t = Stopwatch.GetTimestamp();
            lock (_lines) { _lines.Add((t, e.Data)); _log.AppendLine(e.Data); }
            _lineArrived.Release();
        };
        _process.ErrorDataReceived += (_, e) => { lock (_lines) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    public string Log { get { lock (_lines) return _log.ToString(); } }

    /// <summary>Stdout lines so far that contain <paramref name="marker"/>, with their arrival time.</summary>
    public List<(long Timestamp, string Line)> Lines(string marker)
    {
        lock (_lines) return [.. _lines.Where(l => l.Line.Contains(marker, StringComparison.Ordinal))];
    }

    public void Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> stdout lines contain <paramref name="marker"/>.</summary>
    public async Task<bool> WaitForAsync(string marker, int count, TimeSpan bound, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(bound);
        try
        {
            while (Lines(marker).Count < count)
            {
                if (_process.HasExited) return Lines(marker).Count >= count;
                await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(10_000);
        _process.Dispose();
        _lineArrived.Dispose();
    }
}
