using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Sessions;
using Serverless.Shared.Media;
using Serverless.Shared.Security;

namespace Serverless.MediaNode.Health;

/// <summary>
/// Runs the inbound answer path once before the node takes commands, so the first real call does not pay for it
/// (JIT, first use of the serializers, SDP, ICE credentials and the DTLS fingerprint, the audio plan, the event
/// signature): a command is read as the receiver reads it, a throwaway peer answers a throwaway peer's offer on
/// the node's own port (no candidates, so no packet is sent), a plan's audio is created and disposed, and the
/// answer event is serialized and signed. It starts after the UDP port is bound and before the command receiver;
/// readiness stays off (<c>warm-up</c>) until it has run. A failure is logged and does not stop the node: a
/// cold first call is slower, not wrong.
/// </summary>
public sealed partial class NodeWarmUp(
    PeerFactoryHost peers, ICallAudioFactory audio, MediaNodeOptions options, TimeProvider time, ILogger<NodeWarmUp> logger) : IHostedService
{
    private const string CallId = "warm-up";

    private volatile bool _completed;

    /// <summary>Whether the warm-up has run (successfully or not); readiness waits for it.</summary>
    public bool Completed => _completed;

    /// <summary>How many steps ran without error (of <see cref="StepCount"/>).</summary>
    public int StepsSucceeded { get; private set; }

    /// <summary>The number of steps.</summary>
    public const int StepCount = 3;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var succeeded = 0;
        succeeded += Step("answer", AnswerAnOffer);
        succeeded += await StepAsync("audio plan", CreatePlanAudioAsync).ConfigureAwait(false);
        succeeded += Step("event", SignAnEvent);
        StepsSucceeded = succeeded;
        _completed = true;
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogWarmedUp(logger, succeeded, StepCount, elapsed);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void AnswerAnOffer()
    {
        using var offerer = peers.Factory.CreatePeer();
        var offer = offerer.CreateOffer();
        // Without candidates the answering peer's ICE has nobody to check: nothing leaves the port.
        var withoutCandidates = string.Join("\r\n", offer.Split("\r\n").Where(l => !l.StartsWith("a=candidate", StringComparison.Ordinal)));
        var command = new StartInbound { CallId = CallId, CreatedAt = time.GetUtcNow(), OfferSdp = withoutCandidates };
        if (!MediaMessageSerializer.TryDeserialize<MediaCommand>(MediaMessageSerializer.Serialize(command), out var read, out var error))
        {
            throw new InvalidOperationException("The warm-up command did not read back: " + error);
        }

        using var answerer = peers.Factory.CreatePeer();
        _ = answerer.AcceptOffer(((StartInbound)read).OfferSdp);
    }

    private async Task CreatePlanAudioAsync()
    {
        using var plan = JsonDocument.Parse("""{"steps":[{"tone":{"hz":440,"ms":20}}]}""");
        if (!audio.TryCreate(CallId, plan.RootElement.Clone(), out var created, out var error))
        {
            throw new InvalidOperationException("The warm-up plan was refused: " + error);
        }

        await created!.DisposeAsync().ConfigureAwait(false);
    }

    private void SignAnEvent()
    {
        var answer = new AnswerReady { CallId = CallId, NodeId = options.NodeId, CreatedAt = time.GetUtcNow(), Sdp = "v=0" };
        var body = MediaMessageSerializer.Serialize(answer);
        _ = new MediaEventSigner(new HmacSha256Signature(options.EventsSecret ?? "warm-up"), time).Sign(body);
    }

    private int Step(string name, Action step)
    {
        try
        {
            step();
            return 1;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogStepFailed(logger, ex, name);
            return 0;
        }
    }

    private async Task<int> StepAsync(string name, Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogStepFailed(logger, ex, name);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up the inbound path: {Succeeded} of {Steps} steps in {Milliseconds:F0} ms")]
    private static partial void LogWarmedUp(ILogger logger, int succeeded, int steps, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up step {Step} failed; the first call pays for it instead")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string step);
}
