using BenchmarkDotNet.Running;
using Serverless.Benchmarks;

// Micro-benchmarks:  dotnet run -c Release --project tests/Benchmarks -- --filter '*Srtp*'
// Whole-call load:   unshare -n sh -c 'ip link set lo up && dotnet run -c Release --project tests/Benchmarks -- peer-load [setups] [calls] [seconds]'
if (args.Length > 0 && args[0] == "bridge-load")
{
    await BridgeLoad.RunAsync(args.Skip(1).ToArray());
    return;
}

// Streamed calls (issue 16): ... benchmark-calls.sh stream-load [calls] [seconds] [native|managed|both] [twilio|pcm16] [wrtc]
if (args.Length > 0 && args[0] == "stream-load")
{
    await StreamLoad.RunAsync(args.Skip(1).ToArray());
    return;
}

// Calls through the MediaNode process (issue 17), with Azurite up, in a loopback-only namespace:
// ... benchmark-calls.sh node-load [counts, e.g. 200,400,600] [seconds per count]; the phones and the UDP echo are child processes.
if (args.Length > 0 && args[0] == "node-load")
{
    await NodeLoad.RunAsync(args.Skip(1).ToArray());
    return;
}

if (args.Length > 0 && args[0] == "node-load-phones")
{
    await NodeLoadPhones.RunAsync();
    return;
}

if (args.Length > 0 && args[0] == "udp-echo")
{
    await UdpEchoFloor.EchoAsync();
    return;
}

if (args.Length > 0 && args[0] == "peer-load")
{
    await PeerLoad.RunAsync(args.Skip(1).ToArray());
    return;
}

// Inbound latency: with Azurite up, in a loopback-only namespace: ... Benchmarks.dll inbound-latency [calls]
if (args.Length > 0 && args[0] == "inbound-latency")
{
    await InboundLatencyLoad.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
    return;
}

// Issue 18: a year of analytics rollups, then the year query cold and warm: with Azurite up, in a loopback-only
// namespace: ... Benchmarks.dll analytics-year [callsPerDay] [runs]
if (args.Length > 0 && args[0] == "analytics-year")
{
    await AnalyticsYearLoad.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20);
    return;
}

// Memory under slow bodies: with Azurite up, in a loopback-only namespace: ... Benchmarks.dll slow-bodies [connections]
if (args.Length > 0 && args[0] == "slow-bodies")
{
    await SlowBodiesLoad.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300);
    return;
}

// Our SRTP and libsrtp2 side by side in one run (needs apt libsrtp2-1): ... Benchmarks.dll srtp-vs-libsrtp2 [packets] [rounds]
if (args.Length > 0 && args[0] == "srtp-vs-libsrtp2")
{
    SrtpVersusLibSrtp2.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return;
}

// Opus managed vs native libopus, interleaved, and the resampler (needs apt libopus0): ... Benchmarks.dll opus-native-vs-managed [frames] [rounds]
if (args.Length > 0 && args[0] == "opus-native-vs-managed")
{
    OpusNativeVersusManaged.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3_000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PeerLoad).Assembly).Run(args);

