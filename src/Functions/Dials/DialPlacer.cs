using System.Text;
using Serverless.Functions.Api;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Shared.Transport;

namespace Serverless.Functions.Dials;

/// <summary>Places one attempt of a scheduled dial: a call resource linked to the dial, then StartOutbound.</summary>
public sealed class DialPlacer(ICallStore store, CallFlow flow, StatusCallbacks callbacks, TimeProvider time)
{
    /// <summary>The call metadata key naming the dial an attempt belongs to.</summary>
    public const string DialIdKey = "dialId";

    /// <summary>
    /// Creates the attempt's call under <paramref name="callId"/> (a re-run after a crash finds it stored and only
    /// re-sends the start command, which the node deduplicates by MessageId) and asks a node to place it.
    /// </summary>
    public async Task PlaceAsync(DialSchedule schedule, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!DialRequest.TryParse(Encoding.UTF8.GetBytes(schedule.Body), out var dial, out var problem, out _))
        {
            throw new InvalidOperationException($"Dial {schedule.DialId} holds a body that no longer parses: {problem}");
        }

        var call = dial.ToOutboundCall(
            callId,
            schedule.BusinessPhoneNumberId,
            schedule.UserWaId,
            time.GetUtcNow(),
            flow.Timeouts,
            new Dictionary<string, string>(StringComparer.Ordinal) { [DialIdKey] = schedule.DialId });
        var created = await store.CreateAsync(call, cancellationToken);
        if (created.Created)
        {
            await callbacks.OnCreatedAsync(call, cancellationToken);
        }
        else if (await store.GetAsync(callId, cancellationToken) is not { State: CallState.Preparing, NodeId: null } pending)
        {
            return; // placed before and already under way (or over)
        }
        else
        {
            call = pending;
        }

        try
        {
            await flow.StartOutboundAsync(call, dial.Audio, cancellationToken);
        }
        catch (Exception ex) when (ex is CommandRoutingException or CommandTooLargeException or IOException)
        {
            await flow.OnMediaFailedAsync(callId, CallErrorCodes.CommandTransportDown, "dial-start-failed|" + callId, cancellationToken);
        }
    }
}
