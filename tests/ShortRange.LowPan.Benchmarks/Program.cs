using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ShortRange.LowPan.Benchmarks.IphcBenchmarks).Assembly).Run(args);
