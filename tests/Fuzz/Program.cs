using System.Diagnostics;
using System.Globalization;
using System.Text;
using Serverless.Fuzz;
using Serverless.Fuzz.Targets;

// Mutation fuzzing of the parsers that read untrusted input (scripts/fuzz.sh runs it; docs/fuzzing.md has results).
//   Fuzz [--targets stun,rtp,rtcp,sdp,webhook,audio-plan] [--iterations N] [--max-seconds S] [--seed N] [--out DIR]
// Exit code 1 when any input raised an exception out of a parser.
var options = Options.Parse(args);
FuzzTarget[] all = [new StunTarget(), new RtpTarget(), new RtcpTarget(), new SdpTarget(), new WebhookTarget(), new AudioPlanTarget()];
var selected = all.Where(t => options.Targets.Count == 0 || options.Targets.Contains(t.Name)).ToList();
Directory.CreateDirectory(options.OutDirectory);
var results = new List<Result>();
foreach (var target in selected)
{
    results.Add(Run(target, options));
}

Console.WriteLine();
Console.WriteLine("| parser | inputs | accepted | unhandled exceptions | max allocation per input | max allocation per input byte (inputs ≥ 1 KiB) | seconds |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Name} | {Mutator.Format(r.Inputs)} | {Mutator.Format(r.Accepted)} | {r.Exceptions} | {Mutator.Format(r.MaxAllocated)} B (input {Mutator.Format(r.MaxAllocatedInputLength)} B) | {r.MaxRatio:F0} | {r.Seconds:F0} |"));
}

foreach (var r in results.Where(r => r.Findings.Count > 0))
{
    Console.WriteLine($"{r.Name}: {string.Join("; ", r.Findings.Select(f => $"{f.Key} ×{f.Value}"))}");
}

return results.Any(r => r.Exceptions > 0) ? 1 : 0;

static Result Run(FuzzTarget target, Options options)
{
    var seeds = target.Seeds();
    var rejectedSeeds = seeds.Count(seed => !target.Run(seed));
    Console.WriteLine($"{target.Name}: {seeds.Count} seeds ({rejectedSeeds} rejected as they are); parser {target.Parser}");
    var mutator = new Mutator(options.Seed);
    var pool = new List<byte[]>(seeds);
    var result = new Result(target.Name);
    var clock = Stopwatch.StartNew();
    var nextReport = 10_000L;
    while (result.Inputs < options.Iterations && clock.Elapsed.TotalSeconds < options.MaxSeconds)
    {
        var input = target.Mutate(mutator, pool[mutator.Random.Next(pool.Count)], pool);
        var before = GC.GetAllocatedBytesForCurrentThread();
        bool accepted;
        try
        {
            accepted = target.Run(input);
        }
#pragma warning disable CA1031 // the point of a fuzzer: any exception out of a parser is a finding
        catch (Exception e)
#pragma warning restore CA1031
        {
            accepted = false;
            result.Exceptions++;
            var key = $"{e.GetType().Name} at {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";
            result.Findings[key] = result.Findings.GetValueOrDefault(key) + 1;
            if (result.Findings[key] <= 3)
            {
                var file = Path.Combine(options.OutDirectory, $"{target.Name}-{result.Exceptions}.bin");
                File.WriteAllBytes(file, input);
                Console.WriteLine($"  {key}: {e.Message} (input saved as {file})");
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        result.Inputs++;
        if (accepted)
        {
            result.Accepted++;
            // Accepted mutants become parents now and then, so mutations stack on inputs that get deep.
            if (pool.Count < 2_000 && input.Length <= 8 * 1024 && mutator.Random.Next(50) == 0)
            {
                pool.Add(input);
            }
        }

        if (allocated > result.MaxAllocated)
        {
            result.MaxAllocated = allocated;
            result.MaxAllocatedInputLength = input.Length;
        }

        if (input.Length >= 1024)
        {
            // Per input byte only for inputs of some size: a 3-byte input allocating its error message says nothing.
            result.MaxRatio = Math.Max(result.MaxRatio, allocated / (double)input.Length);
        }
        if (result.Inputs >= nextReport)
        {
            nextReport *= 10;
            Console.WriteLine($"  {target.Name}: {Mutator.Format(result.Inputs)} inputs, {clock.Elapsed.TotalSeconds:F0} s");
        }
    }

    result.Seconds = clock.Elapsed.TotalSeconds;
    if (target is SdpTarget sdp && sdp.RoundTripFailures > 0)
    {
        result.Findings["written SDP does not parse again (not an exception)"] = (int)sdp.RoundTripFailures;
    }

    Console.WriteLine($"{target.Name}: {Mutator.Format(result.Inputs)} inputs in {result.Seconds:F0} s, {result.Exceptions} exceptions");
    return result;
}

internal sealed class Result(string name)
{
    public string Name { get; } = name;

    public long Inputs { get; set; }

    public long Accepted { get; set; }

    public long Exceptions { get; set; }

    public long MaxAllocated { get; set; }

    public int MaxAllocatedInputLength { get; set; }

    public double MaxRatio { get; set; }

    public double Seconds { get; set; }

    public Dictionary<string, int> Findings { get; } = new(StringComparer.Ordinal);
}

internal sealed record Options(IReadOnlySet<string> Targets, long Iterations, double MaxSeconds, int Seed, string OutDirectory)
{
    public static Options Parse(string[] args)
    {
        var targets = new HashSet<string>(StringComparer.Ordinal);
        long iterations = 1_000_000;
        double maxSeconds = 300;
        var seed = 1;
        var output = Path.Combine(Directory.GetCurrentDirectory(), ".artifacts", "fuzz");
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--targets":
                    targets.UnionWith(value.Split(',', StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "--iterations":
                    iterations = long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--max-seconds":
                    maxSeconds = double.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--out":
                    output = value;
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }

            i++;
        }

        return new Options(targets, iterations, maxSeconds, seed, output);
    }
}
