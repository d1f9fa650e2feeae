using ShortRange.Fuzz;

// tests/fuzz/afl drives this program:
//   instrument DIR          SharpFuzz-instrument the ShortRange.*.dll libraries in DIR (in place)
//   seeds TARGET DIR        write TARGET's seed inputs into DIR
//   run TARGET              the AFL++ target (reads inputs through SharpFuzz's out-of-process loop)
//   list                    the target names
//   replay TARGET FILE      run one input outside AFL (to debug a crash)
switch (args.Length > 0 ? args[0] : "list")
{
    case "instrument":
        foreach (var dll in Directory.GetFiles(args[1], "ShortRange.*.dll"))
        {
            if (dll.EndsWith("ShortRange.Fuzz.dll", StringComparison.Ordinal)) continue;
            SharpFuzz.Fuzzer.Instrument(dll, _ => true, SharpFuzz.Options.Value);
            Console.WriteLine("instrumented " + Path.GetFileName(dll));
        }
        return 0;
    case "seeds":
        {
            var t = Find(args[1]);
            Directory.CreateDirectory(args[2]);
            for (int i = 0; i < t.Seeds.Length; i++) File.WriteAllBytes(Path.Combine(args[2], $"seed{i}"), t.Seeds[i]);
            return 0;
        }
    case "run":
        {
            // Instrumented code (the Targets type initializer included) may only run once SharpFuzz has set up AFL's
            // shared memory, i.e. inside the callback.
            string name = args[1];
            SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
            {
                using var ms = new MemoryStream();
                stream.CopyTo(ms);
                Targets.RunOne(Find(name), ms.ToArray());
            });
            return 0;
        }
    case "replay":
        Targets.RunOne(Find(args[1]), File.ReadAllBytes(args[2]));
        Console.WriteLine("no contract violation");
        return 0;
    default:
        foreach (var t in Targets.All) Console.WriteLine(t.Name);
        return 0;
}

static Target Find(string name) => Array.Find(Targets.All, t => t.Name == name) ?? throw new ArgumentException("unknown target " + name);
