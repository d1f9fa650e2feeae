using BenchmarkDotNet.Running;

// Every codec benchmark of ShortRange; see BENCHMARKS.md for the command and the latest table.
BenchmarkSwitcher.FromAssembly(typeof(ShortRange.Benchmarks.LowPan.IphcBenchmarks).Assembly).Run(args);
