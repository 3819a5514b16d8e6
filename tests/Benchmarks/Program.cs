using BenchmarkDotNet.Running;
using Serverless.Benchmarks;

// Micro-benchmarks:  dotnet run -c Release --project tests/Benchmarks -- --filter '*Srtp*'
// Whole-call load:   unshare -n sh -c 'ip link set lo up && dotnet run -c Release --project tests/Benchmarks -- peer-load [setups] [calls] [seconds]'
if (args.Length > 0 && args[0] == "peer-load")
{
    await PeerLoad.RunAsync(args.Skip(1).ToArray());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

public partial class Program;
