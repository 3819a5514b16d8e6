using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;
using Serverless.Shared.Security;
using Serverless.Shared.Transport;
using Serverless.Testing;

namespace Serverless.Benchmarks;

/// <summary>
/// Calls through the real MediaNode process (issue 17): the node runs as its own process (<c>dotnet
/// Serverless.MediaNode.dll</c>, configured by environment like <c>tests/LocalRun</c>), takes its commands over
/// Storage Queues on Azurite and posts its signed events to a minimal HTTP endpoint here that verifies each
/// signature (standing in for the Functions' <c>/api/media/events</c>); the phones (Meta's side) run in a second
/// process (<see cref="NodeLoadPhones"/>). Every call is inbound: the phone's offer goes out in a
/// <c>StartInbound</c> whose plan plays the bundled <c>beep</c> prompt (encoded once, cached) and then records the
/// caller as Ogg Opus to Blob Storage until hung up. For each call count of the ramp, new calls are set up,
/// measured for the window, hung up, and their <c>MediaEnded</c> read: loss both ways, recordings, the node's CPU
/// and memory, and its <c>medianode.pacing.lateness</c> histogram read over EventPipe (as <c>dotnet-counters</c>
/// reads it: per-second quantiles). Then the .NET UDP floor at the largest count, in the same run.
/// </summary>
internal static class NodeLoad
{
    private const string Secret = "node-load-events-secret";
    private const int PacketsPerSecond = 50;

    // Calls set up at once (NODE_LOAD_SETUP_PARALLEL): each costs a DTLS handshake on both processes' few cores.
    private static readonly int SetupParallel = int.TryParse(Environment.GetEnvironmentVariable("NODE_LOAD_SETUP_PARALLEL"), CultureInfo.InvariantCulture, out var n) ? n : 4;

    public static async Task RunAsync(string[] args)
    {
        var counts = (args.Length > 0 ? args[0] : "50").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var nodeDll = args.Length > 2 ? args[2] : Path.GetFullPath("src/MediaNode/bin/Release/net10.0/Serverless.MediaNode.dll");
        var self = typeof(NodeLoad).Assembly.Location;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average {LoadAverage()}");
        Console.WriteLine($"ramp {string.Join(", ", counts)} calls, {seconds} s measured each; node {nodeDll}");

        var runId = "nl" + Guid.NewGuid().ToString("N")[..8];
        var nodeId = "node-" + runId;
        var newCalls = runId + "-new";
        var prefix = runId + "-node-";
        const string storage = "UseDevelopmentStorage=true";
        var queues = new QueueServiceClient(storage);
        await queues.GetQueueClient(newCalls).CreateIfNotExistsAsync();
        await queues.GetQueueClient(prefix + nodeId).CreateIfNotExistsAsync();
        await new BlobServiceClient(storage).GetBlobContainerClient("recordings").CreateIfNotExistsAsync();

        await using var events = await EventSink.StartAsync();
        using var transport = new ServiceCollection()
            .AddLogging()
            .AddMediaCommandTransport(o =>
            {
                o.Kind = TransportKind.StorageQueues;
                o.ConnectionString = storage;
                o.NewCallsQueue = newCalls;
                o.NodeQueuePrefix = prefix;
            })
            .BuildServiceProvider();
        var commands = transport.GetRequiredService<ICommandSender>();

        var httpPort = FreeTcpPort();
        var settings = new Dictionary<string, string>
        {
            ["MediaNode__NodeId"] = nodeId,
            ["MediaNode__PublicAddress"] = "127.0.0.1",
            ["MediaNode__BindAddress"] = "127.0.0.1",
            ["MediaNode__AnnounceInterfaces"] = "false",
            ["MediaNode__UdpPort"] = "0",
            ["MediaNode__HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture),
            ["MediaNode__HttpBindAddress"] = "127.0.0.1",
            ["MediaNode__EventsUrl"] = events.Url.AbsoluteUri,
            ["MediaNode__EventsSecret"] = Secret,
            ["MediaNode__StorageConnectionString"] = storage,
            ["MediaNode__HeartbeatTable"] = runId + "nodes",
            ["MediaNode__MaxCalls"] = (counts.Max() + 10).ToString(CultureInfo.InvariantCulture),
            ["MediaNode__DrainTimeout"] = "00:00:01",
            ["MediaNode__Transport__Kind"] = "StorageQueues",
            ["MediaNode__Transport__ConnectionString"] = storage,
            ["MediaNode__Transport__NewCallsQueue"] = newCalls,
            ["MediaNode__Transport__NodeQueuePrefix"] = prefix,
            ["Prompts__ContainerUrl"] = "http://127.0.0.1:10000/devstoreaccount1/prompts",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        using var node = await StartNodeAsync(nodeDll, settings, httpPort);
        using var phones = new LineProcess(Dotnet(self, "node-load-phones"));
        using var pacing = PacingProbe.Start(node.Id);
        var idleRss = Rss(node.Id);
        Console.WriteLine(FormattableString.Invariant($"node pid {node.Id} ready, resident {idleRss / 1024.0 / 1024:F0} MB; phones pid {phones.Process.Id}"));
        using var plan = JsonDocument.Parse("""{"steps":[{"prompt":"beep"},{"record":{"maxSeconds":3600,"format":"ogg"}}]}""");

        var largestLossFree = 0;
        var (previousCount, previousRss) = (0, idleRss);
        try
        {
            for (var step = 0; step < counts.Length; step++)
            {
                var count = counts[step];
                var ids = Enumerable.Range(0, count).Select(i => $"call-{runId}-{step}-{i}").ToArray();
                var setup = Stopwatch.StartNew();
                using var gate = new SemaphoreSlim(SetupParallel);
                await Task.WhenAll(ids.Select(async id =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var offer = Encoding.UTF8.GetString(Convert.FromBase64String((await phones.AskAsync("offer " + id, "offer " + id + " ")).Split(' ')[2]));
                        var answered = events.AnswerOf(id);
                        await commands.SendAsync(new StartInbound { CallId = id, CreatedAt = DateTimeOffset.UtcNow, OfferSdp = offer, AudioPlan = plan.RootElement.Clone() });
                        var answer = await answered.WaitAsync(TimeSpan.FromSeconds(120));
                        var connected = phones.Expect("connected " + id);
                        phones.Send($"answer {id} {Convert.ToBase64String(Encoding.UTF8.GetBytes(answer.Sdp))}");
                        await Task.WhenAll(connected, events.ConnectedOf(id)).WaitAsync(TimeSpan.FromSeconds(120));
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
                var setupSeconds = setup.Elapsed.TotalSeconds;
                await Task.Delay(TimeSpan.FromSeconds(3)); // past the prompt and the first RTCP

                var before = await Snapshot(node, phones);
                pacing.Reset();
                var window = Stopwatch.StartNew();
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                var after = await Snapshot(node, phones);
                var elapsed = window.Elapsed.TotalSeconds;
                var (p50s, p99s, lateCount) = pacing.Read();

                var ended = ids.Select(events.EndOf).ToArray();
                foreach (var id in ids)
                {
                    await commands.SendAsync(new Hangup { CallId = id, NodeId = nodeId, CreatedAt = DateTimeOffset.UtcNow, Reason = HangupReason.Business, Sequence = 1 });
                }

                var stats = await Task.WhenAll(ended).WaitAsync(TimeSpan.FromSeconds(120));
                var phonesAtEnd = await phones.AskAsync("stats", "stats ");
                foreach (var id in ids)
                {
                    phones.Send("close " + id);
                }

                var uplinkLost = stats.Sum(e => e.Stats.PacketsLost);
                var uplinkReceived = stats.Sum(e => e.Stats.PacketsReceived);
                var recordings = stats.Count(e => e.Recording is { SizeBytes: > 0, ContentType: "audio/ogg" });
                var downlinkLost = after.PhoneLost - before.PhoneLost;
                var downlinkRate = (after.PhoneReceived - before.PhoneReceived) / elapsed / count;
                var nodeCpu = (after.NodeCpu - before.NodeCpu).TotalSeconds / elapsed * 100;
                var phonesCpu = (after.PhonesCpu - before.PhonesCpu).TotalSeconds / elapsed * 100;
                var lossFree = uplinkLost == 0 && downlinkLost == 0 && downlinkRate >= PacketsPerSecond * 0.98 && events.Failed == 0;
                if (lossFree)
                {
                    largestLossFree = Math.Max(largestLossFree, count);
                }

                Console.WriteLine(string.Concat(
                    Inv($"{count} calls (set up in {setupSeconds:F1} s), {elapsed:F1} s window, load average {LoadAverage()}: "),
                    Inv($"loss caller->node {uplinkLost} of {uplinkReceived} (whole calls, node's count), node->phone {downlinkLost} in the window ({downlinkRate:F1} packets/s per phone); "),
                    Inv($"{recordings}/{count} Ogg recordings, {events.Failed} MediaFailed; "),
                    Inv($"pacing lateness p99 per second: median {Median(p99s):F2} ms, max {Max(p99s):F2} ms (p50 median {Median(p50s):F2} ms; {p99s.Count} s, {lateCount} slots); "),
                    Inv($"node CPU {nodeCpu:F1} % of a core = {nodeCpu / count:F3} % per call leg; phones process {phonesCpu / count:F3} % per phone; "),
                    Inv($"node resident {after.NodeRss / 1024.0 / 1024:F0} MB = {(after.NodeRss - idleRss) / 1024.0 / count:F0} KB per call over idle, {(after.NodeRss - previousRss) / 1024.0 / (count - previousCount):F0} KB per call added since the last count (managed + native); "),
                    Inv($"{(lossFree ? "LOSS-FREE" : "LOSS")}; phones at end: {phonesAtEnd}")));
                (previousCount, previousRss) = (count, after.NodeRss);
            }

            var floorCalls = counts.Max();
            using var echo = new LineProcess(Dotnet(self, "udp-echo"));
            var port = (await echo.AskAsync(null, "port ")).Split(' ')[1];
            echo.Process.Refresh();
            var echoBefore = echo.Process.TotalProcessorTime;
            var floorWindow = Stopwatch.StartNew();
            var floor = await phones.AskAsync($"floor {floorCalls} {seconds} {port}", "floor ", TimeSpan.FromSeconds(seconds + 60));
            echo.Process.Refresh();
            var echoCpu = (echo.Process.TotalProcessorTime - echoBefore).TotalSeconds / floorWindow.Elapsed.TotalSeconds * 100;
            Console.WriteLine(FormattableString.Invariant(
                $"UDP floor, same run: {floorCalls} clients x {PacketsPerSecond} packets/s of 172 B echoed by one socket: echo process {echoCpu:F1} % of a core = {echoCpu / floorCalls:F3} % per call (sent/echoed: {floor}); load average {LoadAverage()}"));
            Console.WriteLine($"largest loss-free count of this ramp: {largestLossFree}");
        }
        finally
        {
            phones.Send("quit");
            await phones.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    private static ProcessStartInfo Dotnet(string dll, string command)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(command);
        return start;
    }

    private static async Task<(TimeSpan NodeCpu, TimeSpan PhonesCpu, long NodeRss, long PhoneReceived, long PhoneLost)> Snapshot(Process node, LineProcess phones)
    {
        var line = (await phones.AskAsync("stats", "stats ")).Split(' ');
        node.Refresh();
        phones.Process.Refresh();
        return (node.TotalProcessorTime, phones.Process.TotalProcessorTime, Rss(node.Id),
            long.Parse(line[2], CultureInfo.InvariantCulture), long.Parse(line[3], CultureInfo.InvariantCulture));
    }

    private static async Task<Process> StartNodeAsync(string dll, Dictionary<string, string> settings, int httpPort)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        var deadline = Stopwatch.StartNew();
        while (await ticks.WaitForNextTickAsync())
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The MediaNode exited with code {process.ExitCode}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not ready yet.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The MediaNode did not become ready within 90 s.");
            }
        }

        return process;
    }

    private static void Forward(string? line)
    {
        if (line is not null && (line.Contains("warn", StringComparison.OrdinalIgnoreCase) || line.Contains("fail", StringComparison.OrdinalIgnoreCase) || line.Contains("crit", StringComparison.OrdinalIgnoreCase)))
        {
            Console.WriteLine("  [medianode] " + line);
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);

    private static string LoadAverage() => string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);

    private static double Max(List<double> values) => values.Count == 0 ? double.NaN : values.Max();

    /// <summary>A child process spoken to in lines: requests on stdin, answers matched by prefix from stdout.</summary>
    private sealed class LineProcess : IDisposable
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<TaskCompletionSource<string>>> _waiting = new();
        private readonly Lock _send = new();

        public LineProcess(ProcessStartInfo start)
        {
            Process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            _ = Task.Run(ReadAsync);
        }

        public Process Process { get; }

        public void Send(string line)
        {
            lock (_send)
            {
                Process.StandardInput.WriteLine(line);
                Process.StandardInput.Flush();
            }
        }

        /// <summary>Completes with the next line that starts with <paramref name="prefix"/> (registered before sending).</summary>
        public Task<string> Expect(string prefix)
        {
            var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.GetOrAdd(prefix, _ => new ConcurrentQueue<TaskCompletionSource<string>>()).Enqueue(waiter);
            return waiter.Task;
        }

        public async Task<string> AskAsync(string? request, string prefix, TimeSpan? timeout = null)
        {
            var answer = Expect(prefix);
            if (request is not null)
            {
                Send(request);
            }

            return await answer.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }

        private async Task ReadAsync()
        {
            while (await Process.StandardOutput.ReadLineAsync() is { } line)
            {
                var matched = false;
                foreach (var (prefix, queue) in _waiting)
                {
                    if ((prefix.EndsWith(' ') ? line.StartsWith(prefix, StringComparison.Ordinal) : line == prefix) && queue.TryDequeue(out var waiter))
                    {
                        waiter.TrySetResult(line);
                        matched = true;
                        break;
                    }
                }

                if (!matched && line.StartsWith("failed ", StringComparison.Ordinal))
                {
                    Console.WriteLine("  [phones] " + line);
                }
            }
        }
    }

    /// <summary>The node's events endpoint: verifies each delivery's signature, then completes per-call waits.</summary>
    private sealed class EventSink : IAsyncDisposable
    {
        private WebApplication _app = null!;
        private readonly MediaEventSigner _signer = new(new HmacSha256Signature(Secret), TimeProvider.System);
        private readonly ConcurrentDictionary<string, TaskCompletionSource<AnswerReady>> _answers = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _connected = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource<MediaEnded>> _ended = new();
        private int _failed;

        public Uri Url { get; private set; } = null!;

        public int Failed => Volatile.Read(ref _failed);

        public static async Task<EventSink> StartAsync()
        {
            var sink = new EventSink();
            (sink._app, sink.Url) = await LoopbackHttp.StartPostAsync("/api/media/events", sink.ReceiveAsync);
            return sink;
        }

        public Task<AnswerReady> AnswerOf(string callId) => _answers.GetOrAdd(callId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public Task ConnectedOf(string callId) => _connected.GetOrAdd(callId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public Task<MediaEnded> EndOf(string callId) => _ended.GetOrAdd(callId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private async Task<IResult> ReceiveAsync(HttpRequest request)
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var bytes = body.ToArray();
            var check = _signer.Verify(bytes, request.Headers[MediaEventSigner.SignatureHeaderName], request.Headers[MediaEventSigner.TimestampHeaderName]);
            if (check != MediaEventCheck.Valid || !MediaMessageSerializer.TryDeserialize<MediaEvent>(bytes, out var mediaEvent, out _))
            {
                Console.WriteLine("  [events] refused a delivery: " + check);
                return Results.Unauthorized();
            }

            switch (mediaEvent)
            {
                case AnswerReady answer:
                    _answers.GetOrAdd(answer.CallId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(answer);
                    break;
                case MediaConnected connected:
                    _connected.GetOrAdd(connected.CallId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                    break;
                case MediaEnded ended:
                    _ended.GetOrAdd(ended.CallId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(ended);
                    break;
                case MediaFailed failed:
                    Interlocked.Increment(ref _failed);
                    Console.WriteLine($"  [events] MediaFailed {failed.CallId}: {failed.Reason} {failed.Detail}");
                    break;
            }

            return Results.Ok();
        }
    }

    /// <summary>
    /// Reads the node's <c>medianode.pacing.lateness</c> from outside the process, the way <c>dotnet-counters</c> does:
    /// an EventPipe session on the runtime's <c>System.Diagnostics.Metrics</c> source, which publishes each histogram's
    /// p50/p95/p99 of every 1 s interval.
    /// </summary>
    private sealed class PacingProbe : IDisposable
    {
        private readonly EventPipeSession _session;
        private readonly List<(double P50, double P99, long Count)> _seconds = [];

        private PacingProbe(EventPipeSession session)
        {
            _session = session;
            var source = new EventPipeEventSource(session.EventStream);
            source.Dynamic.All += OnEvent;
            _ = Task.Run(() =>
            {
                try
                {
                    source.Process();
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
                {
                    // The session ended with the node.
                }
            });
        }

        public static PacingProbe Start(int pid)
        {
            var provider = new EventPipeProvider(
                "System.Diagnostics.Metrics",
                EventLevel.Informational,
                0x2, // TimeSeriesValues
                new Dictionary<string, string>
                {
                    ["SessionId"] = Guid.NewGuid().ToString("N"),
                    ["Metrics"] = "Serverless.MediaNode\\medianode.pacing.lateness",
                    ["RefreshInterval"] = "1",
                    ["MaxTimeSeries"] = "100",
                    ["MaxHistograms"] = "10",
                });
            return new PacingProbe(new DiagnosticsClient(pid).StartEventPipeSession(provider, requestRundown: false, circularBufferMB: 16));
        }

        public void Reset()
        {
            lock (_seconds)
            {
                _seconds.Clear();
            }
        }

        public (List<double> P50, List<double> P99, long Count) Read()
        {
            lock (_seconds)
            {
                var active = _seconds.Where(s => s.Count > 0).ToList();
                return (active.Select(s => s.P50).ToList(), active.Select(s => s.P99).ToList(), active.Sum(s => s.Count));
            }
        }

        public void Dispose()
        {
            try
            {
                _session.Stop();
            }
            catch (Exception ex) when (ex is IOException or ServerNotAvailableException or TimeoutException)
            {
                // The node is gone.
            }

            _session.Dispose();
        }

        private void OnEvent(TraceEvent e)
        {
            if (e.EventName != "HistogramValuePublished" || (string)e.PayloadByName("instrumentName") != "medianode.pacing.lateness")
            {
                return;
            }

            var quantiles = ((string)e.PayloadByName("quantiles")).Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(q => q.Split('='))
                .ToDictionary(q => q[0], q => double.Parse(q[1], CultureInfo.InvariantCulture));
            var count = e.PayloadNames.Contains("count") ? Convert.ToInt64(e.PayloadByName("count"), CultureInfo.InvariantCulture) : 1;
            if (quantiles.TryGetValue("0.99", out var p99) && quantiles.TryGetValue("0.5", out var p50))
            {
                lock (_seconds)
                {
                    _seconds.Add((p50, p99, count));
                }
            }
        }
    }
}
