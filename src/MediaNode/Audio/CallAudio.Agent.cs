using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Audio.Streaming;
using Serverless.MediaNode.Recording;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Audio;

/// <summary>The plan's two steps that hand the call to someone else: an AI agent's stream, and a human agent's bridged leg.</summary>
public sealed partial class CallAudio
{
    /// <summary>
    /// The connectAgent step waiting now, for a <c>ConnectAgent</c> to claim; null when none waits (not reached yet,
    /// timed out, or an agent is connected).
    /// </summary>
    public AgentWait? WaitingForAgent => _agentWait;

    private async Task<StreamResult> StreamAsync(StreamStep step, CancellationToken cancellationToken)
    {
        using var stream = new AgentStream(_callId, step, _prompts.Codecs, _streamUrls, _time, _log, _streamCredentials);
        _stream = stream;
        try
        {
            return await stream.RunAsync((source, token) => _source.LiveAsync(source, token), cancellationToken);
        }
        finally
        {
            _stream = null;
        }
    }

    // Waits for an agent with the hold prompt looping, then bridges until the agent leg ends. False: nobody came in time.
    private async Task<bool> ConnectAgentAsync(int index, ConnectAgentStep step, ICallAudioEvents events, CancellationToken cancellationToken)
    {
        // A hold prompt that cannot be played fails the call like a prompt step (before anyone is rung).
        var hold = step.HoldPrompt is { } source ? await GetPlanPromptAsync(index, new PromptStep(source), cancellationToken) : null;
        var wait = new AgentWait(step);
        _agentWait = wait;
        await events.AgentRequestedAsync(step.Queue, (int)step.Timeout.TotalSeconds, CancellationToken.None);
        IAgentLeg? leg;
        using (var holding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        using (_time.CreateTimer(_ => wait.Expire(), null, step.Timeout, Timeout.InfiniteTimeSpan))
        {
            var holdTask = HoldAsync(hold, holding.Token);
            try
            {
                leg = await wait.Outcome.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _agentWait = null;
                wait.Close();
                await events.AgentRequestEndedAsync(step.Queue, AgentRequestEndReason.CallEnded, CancellationToken.None);
                throw;
            }
            finally
            {
                _agentWait = null;
                wait.Close();
                await holding.CancelAsync();
                await holdTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        if (leg is null)
        {
            CallAudioLog.NoAgent(_log, _callId, index, step.Queue);
            await events.AgentRequestEndedAsync(step.Queue, AgentRequestEndReason.Timeout, CancellationToken.None);
            return false;
        }

        await BridgeAsync(leg, step, cancellationToken);
        return true;
    }

    private async Task HoldAsync(EncodedClip? hold, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await (hold is { Length: > 0 } frames ? _source.PlayAsync(frames, cancellationToken) : _source.PauseAsync(int.MaxValue, cancellationToken));
        }
    }

    // The caller hears the agent's packets (forwarded as they are: the WhatsApp leg's own sender numbers them) until the
    // leg ends; the receive thread forwards the caller's packets and digits to the agent meanwhile.
    private async Task BridgeAsync(IAgentLeg leg, ConnectAgentStep step, CancellationToken cancellationToken)
    {
        if (step.Record is { } format)
        {
            lock (_gate)
            {
                if (_completion is null)
                {
                    _recorder ??= new CallRecorder(_callId, format, _prompts.Codecs, _recordings);
                    _recordLimitSamples = long.MaxValue;
                    _recordStartTimestamp = -1;
                    _recording = true;
                }
            }
        }

        // A recording step holds both sides: what the caller is sent from the agent is mixed in by the recorder's worker.
        var mixInto = step.Record is not null ? _recorder : null;
        mixInto?.MixOtherSide(true);
        _agent = leg;
        using var bridge = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var live = _source.LiveAsync(mixInto is null ? leg.FromAgent : new RecordedSource(leg.FromAgent, mixInto), bridge.Token);
        try
        {
            await leg.Ended.WaitAsync(cancellationToken);
        }
        finally
        {
            _agent = null;
            if (step.Record is not null)
            {
                _recording = false;
                mixInto?.MixOtherSide(false);
            }

            await bridge.CancelAsync();
            await live.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // The agent's packets on their way to the caller, also given to the recorder to mix in.
    private sealed class RecordedSource(IAudioSource inner, CallRecorder recorder) : IAudioSource
    {
        public bool TryReadFrame(Span<byte> destination, out int written)
        {
            if (!inner.TryReadFrame(destination, out written))
            {
                return false;
            }

            recorder.AppendOtherSide(destination[..written]);
            return true;
        }
    }
}
