using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Functions.Graph;
using Serverless.Shared.Media;
using Serverless.Shared.Security;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.StorageQueues;
using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Functions.Webhooks;

/// <summary>
/// Runs the inbound webhook's path once at start, without storing or sending anything, so Meta's first
/// <c>connect</c> after a start does not pay for it (measured 0.95–2.66 s, docs/performance.md): the signature
/// check and the webhook parser on a signed connect webhook, the call tables (created, a point read, the wacid
/// index and the held webhooks), the commands queue (created; a message sent hidden and deleted) and, in memory, the state
/// machine, the table mapping and the <c>StartInbound</c> / <c>AnswerReady</c> messages. Runs in the host's start,
/// before requests are served (the test host and <c>run-local.sh</c> start listening after it); bounded by
/// <see cref="Limit"/>, and a failed step is logged, not fatal: a cold first call is slower, not wrong. Graph is not
/// called: every request to Meta is visible there, and the hours check's settings read must stay fresh.
/// </summary>
public sealed partial class InboundWarmUp(IServiceProvider services, ILogger<InboundWarmUp> logger) : IHostedService
{
    /// <summary>The longest the warm-up may hold the host's start.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private const string WarmUpId = "warm-up";

    private static readonly TimeSpan HiddenFor = TimeSpan.FromSeconds(30);

    /// <summary>The steps that ran without error, in order (for tests and the log).</summary>
    public IReadOnlyList<string> Succeeded { get; private set; } = [];

    /// <summary>Whether the warm-up has finished (successfully or not).</summary>
    public bool Completed { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        var ct = limit.Token;
        var meta = services.GetRequiredService<IOptions<MetaOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var succeeded = new List<string>();

        await StepAsync("webhook", () =>
        {
            var body = Encoding.UTF8.GetBytes(ConnectWebhook(meta.PhoneNumberIds.FirstOrDefault() ?? WarmUpId));
            var signature = new HmacSha256Signature(string.IsNullOrEmpty(meta.AppSecret) ? WarmUpId : meta.AppSecret);
            if (signature.Verify(body, signature.Sign(body)) != SignatureCheck.Valid || !WebhookParser.TryParse(body, out _, out _))
            {
                throw new InvalidOperationException("The warm-up webhook did not verify and parse.");
            }

            return Task.CompletedTask;
        });
        await StepAsync("calls table", async () =>
        {
            var store = services.GetRequiredService<ICallStore>();
            await store.GetAsync(WarmUpId, ct);
            await store.FindByWacidAsync("wacid." + WarmUpId, ct);
            await services.GetRequiredService<HeldWebhookStore>().ListAsync("wacid." + WarmUpId, ct);
        });
        await StepAsync("commands queue", async () =>
        {
            var transport = services.GetRequiredService<IOptions<MediaTransportOptions>>().Value;
            if (transport.Kind == TransportKind.StorageQueues)
            {
                // The send path itself (the SDK's first message costs ~0.3 s of JIT under load): a message sent
                // invisible and deleted at once, so no node sees it. Were the delete lost (a crash right here), it
                // expires one second after it would become visible, and a node that took it in that second would
                // find an offer it cannot answer for a call id the Functions refuse.
                var queue = await services.GetRequiredService<StorageQueueClients>().GetAsync(transport.QueueNames().NewCalls, ct);
                var body = MediaMessageSerializer.Serialize(new StartInbound { CallId = WarmUpId, CreatedAt = time.GetUtcNow(), OfferSdp = "v=0" });
                var sent = (await queue.SendMessageAsync(BinaryData.FromBytes(body), HiddenFor, HiddenFor + TimeSpan.FromSeconds(1), ct)).Value;
                await queue.DeleteMessageAsync(sent.MessageId, sent.PopReceipt, ct);
            }
        });
        await StepAsync("messages", () =>
        {
            var now = time.GetUtcNow();
            var call = CallRecord.NewInbound(CallIds.New(time), WarmUpId, "10000000000", "wacid." + WarmUpId, now, CallTimeouts.Default);
            _ = CallEntityMapper.ToCall(CallEntityMapper.ToEntity(call));
            _ = CallStateMachine.Default.Apply(call, new CallTrigger.AnswerReady(WarmUpId), now);
            var start = MediaMessageSerializer.Serialize(CallCommands.StartInbound(call, "v=0", now));
            var answer = MediaMessageSerializer.Serialize(new AnswerReady { CallId = call.CallId, NodeId = WarmUpId, CreatedAt = now, Sdp = "v=0" });
            if (!MediaMessageSerializer.TryDeserialize<MediaCommand>(start, out _, out _) || !MediaMessageSerializer.TryDeserialize<MediaEvent>(answer, out _, out _))
            {
                throw new InvalidOperationException("The warm-up messages did not read back.");
            }

            return Task.CompletedTask;
        });

        Succeeded = succeeded;
        Completed = true;
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var steps = string.Join(", ", succeeded);
        LogWarmedUp(succeeded.Count, steps, elapsed);

        async Task StepAsync(string name, Func<Task> step)
        {
            try
            {
                await step();
                succeeded.Add(name);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogStepFailed(ex, name);
            }
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // A connect webhook as Meta sends it (meta-calling-api.md), with an offer, for the warm-up's parser run only.
    private static string ConnectWebhook(string phoneNumberId) =>
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"0\",\"changes\":[{\"field\":\"calls\",\"value\":{"
        + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"0\",\"phone_number_id\":\"" + phoneNumberId + "\"},"
        + "\"calls\":[{\"id\":\"wacid.warm-up\",\"from\":\"10000000000\",\"to\":\"0\",\"event\":\"connect\",\"timestamp\":\"0\","
        + "\"direction\":\"USER_INITIATED\",\"session\":{\"sdp_type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}}]}}]}]}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up the inbound webhook path: {Count} steps ({Steps}) in {Milliseconds:F0} ms")]
    private partial void LogWarmedUp(int count, string steps, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up step {Step} failed; the first webhook pays for it instead")]
    private partial void LogStepFailed(Exception exception, string step);
}
