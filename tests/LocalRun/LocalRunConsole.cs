using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Callbacks;
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
    internal const string DemoUser = "16315553602";
    private const double PromptHz = 440;
    private const double UserHz = 660;
    private const string UserDigits = "1";
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
        var signingSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        await using var receiver = await CallbackReceiver.StartAsync(signingSecret, arguments.CallbacksPort).ConfigureAwait(false);
        var options = new LocalProductOptions
        {
            InProcessMediaNode = arguments.MediaNodeDll is null,
            FunctionsPort = arguments.FunctionsPort,
            Transport = arguments.Transport,
            ServiceBusPort = arguments.ServiceBusPort,
            RunTimersOnSchedule = true,
            EnforceKeys = arguments.Keys,
            ConfigureSimulator = s => s.DefaultUserBehavior = WhatsAppSimulator.Users.SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(1)),
            ConfigureFunctions = settings =>
            {
                // The node's doorbell for Storage Queues (local only; Service Bus pushes); MediaNode__WakeEndpoint=false turns
                // both ends off, so the node finds commands by its poll alone (the before/after of docs/performance.md).
                if (arguments.MediaNodeDll is not null && arguments.Transport == Serverless.Shared.Transport.TransportKind.StorageQueues && !string.Equals(Environment.GetEnvironmentVariable("MediaNode__WakeEndpoint"), "false", StringComparison.OrdinalIgnoreCase))
                {
                    settings["Transport:WakeUrls:0"] = $"http://127.0.0.1:{arguments.HttpPort.ToString(CultureInfo.InvariantCulture)}/wake";
                }

                LocalSettings(settings, signingSecret, receiver.Url);
            },
            // The agent console's sign-in, as App Service would do it: one named development user (Development only).
            AppServiceAuth = new Serverless.Testing.FunctionsHost.Http.AppServiceAuthEmulation
            {
                Users = [new Serverless.Testing.FunctionsHost.Http.DevelopmentUser(DevelopmentAgentId, DevelopmentAgent, ["CallAgent"])],
                DefaultUser = DevelopmentAgent,
            },
        };
        await using var product = await LocalProduct.StartAsync(options).ConfigureAwait(false);
        using var node = arguments.MediaNodeDll is { } dll
            ? await NodeProcess.StartAsync(dll, product.NodeSettings(arguments.UdpPort, arguments.HttpPort), arguments.HttpPort).ConfigureAwait(false)
            : null;
        var warm = await WarmUpAsync(product).ConfigureAwait(false);
        timeline.Say($"Functions:  {product.FunctionsBaseAddress} (test host; dial API POST api/calls; timers on schedule; warmed in {warm.TotalMilliseconds:F0} ms)");
        timeline.Say($"Simulator:  {product.Simulator.BaseAddress} (WhatsApp Cloud API stand-in, phone number id {product.BusinessPhoneNumberId})");
        timeline.Say($"Phones:     udp {product.Phones.LocalEndPoint} (WebRTC, ICE-lite, setup:active)");
        timeline.Say(node is null ? "MediaNode:  in-process, udp 127.0.0.1 (ephemeral port)" : $"MediaNode:  pid {node.Id}, udp 127.0.0.1:{arguments.UdpPort}, http://127.0.0.1:{arguments.HttpPort}/healthz");
        timeline.Say(product.Broker is { } broker
            ? $"Commands:   Service Bus over AMQP: the test broker on amqp://127.0.0.1:{broker.Port} (queues as Bicep deploys them: {Describe(broker.QueueDefaults)})"
            : "Commands:   Storage Queues on Azurite (--transport servicebus: Service Bus over AMQP on the test broker)");
        var callbackCheck = product.Functions.Services.GetRequiredService<CallbackUrlPolicy>().Validate(receiver.Url.AbsoluteUri);
        timeline.Say(callbackCheck.IsAllowed
            ? $"Callbacks:  {receiver.Url} (verifies X-Callback-Signature-256; every call's status events, or dial with \"callbackUrl\")"
            : $"Callbacks:  {receiver.Url} is refused by the Functions' callback policy ({callbackCheck.Detail}); no callbacks will arrive");
        timeline.Say(arguments.Keys
            ? $"Keys:       enforced; host key {product.Functions.Keys.DefaultHostKey}"
            : "Keys:       not enforced (as Core Tools locally; --keys enforces them)");
        timeline.Say($"Console:    {product.FunctionsBaseAddress}.auth/login/aad?post_login_redirect_uri=/api/console (agent console, signed in as development user '{DevelopmentAgent}'; Web PubSub stand-in {product.PubSub.Endpoint})");
        timeline.Say("Next dial:  " + DialCurl(product, arguments.Keys));
        product.Tap.Seen += e => timeline.Say($"media event {e.Event.GetType().Name,-16} -> Functions {e.FunctionsStatus}");
        receiver.Received += c => timeline.Say($"callback {c.Type,-16} call {c.CallId} state {c.State} ({(c.Verified ? "signature verified" : "SIGNATURE INVALID")}, event {c.EventId})");

        try
        {
            // Measured first, so its first call is the first webhook after start (what the warm-up is for).
            if (arguments.MeasureInbound > 0)
            {
                await InboundLatency.MeasureAsync(product, arguments.MeasureInbound, timeline.Say).ConfigureAwait(false);
            }

            var exit = await DemoCallAsync(product, receiver, callbackCheck.IsAllowed, timeline, clock).ConfigureAwait(false);

            if (arguments.Stay)
            {
                // Later calls' recordings get the same check as the demo's: downloaded and their tone measured.
                // (once per call: a retried event arrives again).
                var measured = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
                product.Tap.Seen += e =>
                {
                    if (e.Event is MediaEnded { Recording.BlobName: { } blob } ended && measured.TryAdd(ended.CallId, true))
                    {
                        _ = MeasureRecordingAsync(product, ended.CallId, blob, timeline);
                    }
                };
                timeline.Say("Running until Ctrl+C: dial more calls with the curl above, or run docs/walkthrough.sh.");
                await WaitForCtrlCAsync().ConfigureAwait(false);
            }

            return exit;
        }
        finally
        {
            if (node is { HasExited: false })
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The simulator's user who has call permission (granted at start), so the printed curl works as is.</summary>
    internal static string DialCurl(LocalProduct product, bool keys)
    {
        var key = keys ? $" -H 'x-functions-key: {product.Functions.Keys.DefaultHostKey}'" : string.Empty;
        return $"curl -s -X POST {product.FunctionsBaseAddress}api/calls -H 'content-type: application/json'{key} -d '{{\"to\":\"+{DemoUser}\"}}'";
    }

    /// <summary>The local run's one named development user of the agent console.</summary>
    internal const string DevelopmentAgent = "dev-agent";

    internal const string DevelopmentAgentId = "00000000-0000-0000-0000-00000000a9e7";

    // Local settings on top of the product's: Development (Core Tools' environment), the local callback receiver
    // admitted on loopback, then every environment variable (Section__Key), so any setting can be overridden.
    private static void LocalSettings(IDictionary<string, string?> settings, string signingSecret, Uri receiver)
    {
        settings["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        settings["Callbacks:SigningSecret"] = signingSecret;
        settings["Callbacks:AllowLoopback"] = "true";
        settings["Callbacks:DefaultCallbackUrl"] = receiver.AbsoluteUri;
        foreach (var (key, value) in new ConfigurationBuilder().AddEnvironmentVariables().Build().AsEnumerable())
        {
            if (value is not null)
            {
                settings[key] = value;
            }
        }
    }

    // The first request after start pays for JIT, DI and the first table/queue round trips (0.95-2.66 s measured);
    // Meta expects the webhook to answer fast, so the run pays that before it says it is ready.
    private static async Task<TimeSpan> WarmUpAsync(LocalProduct product)
    {
        var started = Stopwatch.GetTimestamp();
        using var http = product.Functions.CreateClient(product.Functions.Keys.DefaultHostKey);
        var verify = $"api/webhook?hub.mode=subscribe&hub.verify_token={LocalProduct.VerifyToken}&hub.challenge=warm";
        // A signed calls webhook for a number these Functions do not serve: read, signature check, parse and dispatch
        // run as for a real one, and it is acknowledged without storing anything. An empty dial body is refused (400)
        // by the dial API's validation, also without side effects.
        var body = System.Text.Encoding.UTF8.GetBytes(
            """{"object":"whatsapp_business_account","entry":[{"id":"0","changes":[{"field":"calls","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"0","phone_number_id":"warm-up"},"calls":[{"id":"wacid.warm-up","from":"10000000000","to":"0","event":"terminate","timestamp":"0","direction":"USER_INITIATED","status":"COMPLETED"}]}}]}]}""");
        var signature = new Serverless.Shared.Security.HmacSha256Signature(product.Simulator.Options.AppSecret).Sign(body);
        for (var round = 0; round < 3; round++)
        {
            using var webhook = await http.GetAsync(new Uri(verify, UriKind.Relative)).ConfigureAwait(false);
            using var calls = await http.GetAsync(new Uri("api/calls", UriKind.Relative)).ConfigureAwait(false);
            using var unknown = await http.GetAsync(new Uri($"api/calls/{Guid.NewGuid()}", UriKind.Relative)).ConfigureAwait(false);
            using var post = new HttpRequestMessage(HttpMethod.Post, new Uri("api/webhook", UriKind.Relative)) { Content = new ByteArrayContent(body) };
            post.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            post.Headers.TryAddWithoutValidation(Serverless.Shared.Security.HmacSha256Signature.HeaderName, signature);
            using var signed = await http.SendAsync(post).ConfigureAwait(false);
            using var dial = await http.PostAsync(new Uri("api/calls", UriKind.Relative), new StringContent("{}", System.Text.Encoding.UTF8, "application/json")).ConfigureAwait(false);
            // A read of the calling settings through Graph: the Graph client's first request (the hours check's read
            // and pre_accept use it) is paid here; the Functions' own warm-up calls no Graph.
            using var settings = await http.GetAsync(new Uri("api/settings/calling", UriKind.Relative)).ConfigureAwait(false);
        }

        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task MeasureRecordingAsync(LocalProduct product, string callId, string blob, Timeline timeline)
    {
        try
        {
            var bytes = await product.DownloadRecordingAsync(blob).ConfigureAwait(false);
            if (bytes is null)
            {
                timeline.Say($"recording of call {callId}: {blob} not found");
                return;
            }

            var (hz, seconds) = RecordingTone.MeasureOggOpus(bytes);
            timeline.Say(string.Create(CultureInfo.InvariantCulture, $"recording tone: {hz:F1} Hz over {seconds:F1} s, call {callId} ({bytes.Length} bytes)"));
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or InvalidDataException or ArgumentException or InvalidOperationException)
        {
            timeline.Say($"recording of call {callId}: not measured ({ex.GetType().Name}: {ex.Message})");
        }
    }

    // Ctrl+C in the terminal, or SIGTERM (`kill`): a script that started the run in the background cannot send it
    // SIGINT (bash starts background jobs with SIGINT ignored), so both end the run the same clean way.
    private static async Task WaitForCtrlCAsync()
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    private static async Task<int> DemoCallAsync(LocalProduct product, CallbackReceiver receiver, bool callbacksAdmitted, Timeline timeline, Stopwatch clock)
    {
        product.Simulator.Permissions.Grant(DemoUser);
        // The user presses 1 as the call connects (a plan's collect step reads it) and says 660 Hz.
        product.Phones.SetScript(DemoUser, new PhoneScript { ToneHz = UserHz, PressDigits = UserDigits });
        var plan = new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 3000 } }, new { record = new { maxSeconds = 30, format = "ogg" } } } };
        timeline.Say($"dial +{Mask(DemoUser)}: prompt {PromptHz} Hz tone, then record; the user answers after 1 s, presses {UserDigits} and says {UserHz} Hz");
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
            if (blob is null || bytes is null)
            {
                timeline.Say("no recording");
                return 1;
            }

            var url = product.RecordingSasUri(blob, TimeSpan.FromHours(24));
            timeline.Say($"recording: {url?.AbsoluteUri ?? "(no SAS: the storage key is not in the connection string)"} ({bytes.Length} bytes, Ogg Opus; read-only SAS valid 24 h)");
            Directory.CreateDirectory(Path.Combine(".artifacts", "recordings"));
            var saved = Path.Combine(".artifacts", "recordings", Path.GetFileName(blob));
            await File.WriteAllBytesAsync(saved, bytes).ConfigureAwait(false);
            timeline.Say($"recording saved as {saved}");
            var (hz, seconds) = RecordingTone.MeasureOggOpus(bytes);
            timeline.Say(string.Create(CultureInfo.InvariantCulture, $"recording tone: {hz:F1} Hz over {seconds:F1} s (the user said {UserHz} Hz)"));
            if (callbacksAdmitted)
            {
                // DrainCallbacks runs every 10 s, so the last event arrives within about that.
                var last = await receiver.WaitForAsync(c => c.CallId == callId && c.Type == "call.ended", Step).ConfigureAwait(false);
                if (!last.Verified || receiver.Snapshot().Any(c => !c.Verified))
                {
                    timeline.Say("a callback's signature did not verify");
                    return 1;
                }

                timeline.Say($"callbacks for {callId}: {receiver.Snapshot().Count(c => c.CallId == callId)} received, all verified");
            }

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

    /// <summary>The queue settings in the banner, e.g. "lock 30 s, max deliveries 10, duplicate detection 10 min, TTL 60 min".</summary>
    internal static string Describe(ServiceBusBroker.QueueSettings queues) => string.Create(
        CultureInfo.InvariantCulture,
        $"lock {queues.LockDuration.TotalSeconds:F0} s, max deliveries {queues.MaxDeliveryCount}, duplicate detection {(queues.DuplicateDetectionHistoryTimeWindow is { } window ? $"{window.TotalMinutes:F0} min" : "off")}, TTL {queues.DefaultMessageTimeToLive.TotalMinutes:F0} min");

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
