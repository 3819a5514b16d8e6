using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Serverless.Shared.Media;
using Serverless.Testing.WhatsAppSimulator.Phone;

namespace Serverless.Testing.LocalRun;

/// <summary>
/// <c>dotnet Serverless.Testing.LocalRun.dll [--media-node-dll PATH --udp-port N --http-port N] [--functions-port N] [--stay]</c>:
/// starts the product against the simulator (MediaNode in-process or as its own process), places one demo call and
/// prints its timeline. Meta mode (environment <c>META_ACCESS_TOKEN</c> …) is handled in <see cref="MetaMode"/>.
/// </summary>
internal static class LocalRunConsole
{
    private const string DemoUser = "16315553602";
    private const double PromptHz = 440;
    private const double UserHz = 660;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = Arguments.Parse(args);
        if (MetaMode.IsConfigured())
        {
            return await MetaMode.RunAsync(arguments).ConfigureAwait(false);
        }

        var clock = Stopwatch.StartNew();
        var timeline = new Timeline(clock);
        var options = new LocalProductOptions
        {
            InProcessMediaNode = arguments.MediaNodeDll is null,
            FunctionsPort = arguments.FunctionsPort,
            ConfigureSimulator = s => s.DefaultUserBehavior = WhatsAppSimulator.Users.SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(1)),
        };
        await using var product = await LocalProduct.StartAsync(options).ConfigureAwait(false);
        using var node = arguments.MediaNodeDll is { } dll
            ? await NodeProcess.StartAsync(dll, product.NodeSettings(arguments.UdpPort, arguments.HttpPort), arguments.HttpPort).ConfigureAwait(false)
            : null;
        timeline.Say($"Functions:  {product.FunctionsBaseAddress} (test host; dial API POST api/calls)");
        timeline.Say($"Simulator:  {product.Simulator.BaseAddress} (WhatsApp Cloud API stand-in, phone number id {product.BusinessPhoneNumberId})");
        timeline.Say($"Phones:     udp {product.Phones.LocalEndPoint} (WebRTC, ICE-lite, setup:active)");
        timeline.Say(node is null ? "MediaNode:  in-process, udp 127.0.0.1 (ephemeral port)" : $"MediaNode:  pid {node.Id}, udp 127.0.0.1:{arguments.UdpPort}, http://127.0.0.1:{arguments.HttpPort}/healthz");
        product.Tap.Seen += e => timeline.Say($"media event {e.Event.GetType().Name,-16} -> Functions {e.FunctionsStatus}");

        try
        {
            return await DemoAndStayAsync(product, timeline, clock, arguments.Stay).ConfigureAwait(false);
        }
        finally
        {
            if (node is { HasExited: false })
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<int> DemoAndStayAsync(LocalProduct product, Timeline timeline, Stopwatch clock, bool stay)
    {
        var exit = await DemoCallAsync(product, timeline, clock).ConfigureAwait(false);
        if (stay)
        {
            timeline.Say("Running until Ctrl+C (dial more calls against the URLs above).");
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        return exit;
    }

    private static async Task<int> DemoCallAsync(LocalProduct product, Timeline timeline, Stopwatch clock)
    {
        product.Simulator.Permissions.Grant(DemoUser);
        product.Phones.SetScript(DemoUser, PhoneScript.Tone(UserHz));
        var plan = new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 3000 } }, new { record = new { maxSeconds = 30, format = "ogg" } } } };
        timeline.Say($"dial +{Mask(DemoUser)}: prompt {PromptHz} Hz tone, then record; the user answers after 1 s and says {UserHz} Hz");
        var dialAt = clock.Elapsed;
        var dialedAt = DateTimeOffset.UtcNow;
        var (status, call) = await product.Calls.DialAsync(new { to = "+" + DemoUser, audio = plan }).ConfigureAwait(false);
        if (status != 202)
        {
            timeline.Say($"dial failed: HTTP {status} {call}");
            return 1;
        }

        var callId = call.GetProperty("id").GetString()!;
        timeline.Say($"call {callId} accepted by the dial API (HTTP 202)");
        using var watch = new CancellationTokenSource();
        var states = WatchStatesAsync(product, callId, timeline, watch.Token);
        try
        {
            var phone = await product.Phones.WaitForPhoneAsync(DemoUser, Step).ConfigureAwait(false);
            await phone.Connected.WaitAsync(Step).ConfigureAwait(false);
            timeline.Say("phone: ICE + DTLS connected (media flowing)");
            var prompt = await phone.WaitForToneAsync(PromptHz, Step).ConfigureAwait(false);
            var setup = clock.Elapsed - dialAt;
            timeline.Say($"phone hears the prompt: {prompt.FrequencyHz:F1} Hz (rms {prompt.Rms:F0})");
            var firstAudio = phone.FirstAudioAt is { } heardAt ? $"{(heardAt - dialedAt).TotalMilliseconds:F0} ms" : "n/a";
            timeline.Say($"OUTBOUND CALL SETUP (dial -> audio at the phone): first audio {firstAudio}, prompt tone confirmed {setup.TotalMilliseconds:F0} ms (1 s scripted answer delay and a 1 s measuring window included)");
            // The tone step is over once a whole second at the phone is silent; the record step runs from then.
            await phone.WaitForToneAsync(0, Step, toleranceHz: 0, since: prompt.At).ConfigureAwait(false);
            timeline.Say("prompt over; the node records the user's tone now");
            var wacid = call.TryGetProperty("wacid", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null;
            wacid ??= (await product.Calls.GetAsync(callId).ConfigureAwait(false)).GetProperty("wacid").GetString();
            timeline.Say("user hangs up");
            product.Simulator.HangUpAsUser(wacid!);
            var ended = await product.Calls.WaitAsync(callId, c => c.GetProperty("state").GetString() is "ended" or "failed" && c.TryGetProperty("media", out var m) && m.ValueKind == JsonValueKind.Object, Step).ConfigureAwait(false);
            await watch.CancelAsync().ConfigureAwait(false);
            await states.ConfigureAwait(false);
            var stats = phone.GetStats().Media;
            timeline.Say($"call {ended.GetProperty("state").GetString()} ({ended.GetProperty("outcome")}), duration {ended.GetProperty("durationSeconds")} s");
            timeline.Say($"node media stats: {ended.GetProperty("media")}");
            timeline.Say($"phone media stats: {stats}");
            var mediaEnded = await product.Tap.WaitForAsync(e => e.Event is MediaEnded m && m.CallId == callId, Step).ConfigureAwait(false);
            var blob = ((MediaEnded)mediaEnded.Event).Recording?.BlobName;
            var bytes = blob is null ? null : await product.DownloadRecordingAsync(blob).ConfigureAwait(false);
            timeline.Say(blob is null
                ? "no recording"
                : $"recording: http://127.0.0.1:10000/devstoreaccount1/{blob} ({bytes?.Length ?? 0} bytes, Ogg Opus; Azurite blob, container 'recordings')");
            return 0;
        }
        catch (TimeoutException ex)
        {
            timeline.Say("DEMO FAILED: " + ex.Message);
            return 1;
        }
        finally
        {
            await watch.CancelAsync().ConfigureAwait(false);
            await states.ConfigureAwait(false);
        }
    }

    private static async Task WatchStatesAsync(LocalProduct product, string callId, Timeline timeline, CancellationToken cancellationToken)
    {
        string? last = null;
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await ticks.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var call = await product.Calls.GetAsync(callId, cancellationToken).ConfigureAwait(false);
                var state = call.GetProperty("state").GetString();
                if (state != last)
                {
                    timeline.Say($"call state {last ?? "-"} -> {state}");
                    last = state;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The demo is over.
        }
    }

    internal static string Mask(string waId) => waId.Length <= 4 ? "****" : new string('*', waId.Length - 4) + waId[^4..];

    private sealed class Timeline(Stopwatch clock)
    {
        private readonly Lock _gate = new();

        public void Say(string line)
        {
            lock (_gate)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} +{clock.Elapsed.TotalSeconds,7:F3}s  {line}"));
            }
        }
    }
}
