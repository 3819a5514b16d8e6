using System.ComponentModel;
using Serverless.Shared.Media;

namespace Serverless.Functions.Calls;

// What users see of a call's results, the same in the API and in the status callbacks (one shape, one spelling).

/// <summary>What the user entered: a collect step's result, or keys pressed outside one (<c>endedBy</c> = <c>unprompted</c>).</summary>
[Description("One input: a collect step's result, or keys pressed outside one.")]
public sealed record InputView(
    [property: Description("Digits pressed (terminator excluded); empty on a timeout without input.")] string Digits,
    [property: Description("terminator, maxDigits, timeout, hangup, or unprompted (pressed outside a collect step).")] string EndedBy,
    [property: Description("The terminator pressed, when endedBy is terminator.")] string? Terminator,
    [property: Description("The collect step's name in the audio plan.")] string? Name,
    [property: Description("When the collect step began (the first key, for unprompted input).")] DateTimeOffset StartedAt,
    [property: Description("When the input ended.")] DateTimeOffset EndedAt)
{
    public static InputView Of(DigitInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new InputView(input.Digits, WireText.Of(input.EndedBy), input.Terminator, input.Name, input.StartedAt, input.EndedAt);
    }
}

/// <summary>The call's recording: a short-lived read-only <see cref="Url"/> made when shown, and what it holds.</summary>
[Description("The call's recording.")]
public sealed record RecordingView(
    [property: Description("Short-lived read-only link, made for this response (GET /calls/{id}/recording makes a fresh one).")] Uri Url,
    [property: Description("audio/ogg or audio/wav.")] string ContentType,
    [property: Description("Recorded audio in seconds.")] double DurationSeconds,
    [property: Description("Size of the file in bytes.")] long SizeBytes)
{
    public static RecordingView Of(RecordingInfo recording, Uri url)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return new RecordingView(url, recording.ContentType, recording.DurationSeconds, recording.SizeBytes);
    }
}

/// <summary>Why the call failed: a stable <see cref="Code"/> (<see cref="CallErrorCodes"/>) and a message for people.</summary>
[Description("Why the call failed.")]
public sealed record ErrorView(
    [property: Description("Stable code: prompt-not-found, prompt-invalid, plan-invalid, ice-failed, dtls-failed, sdp-rejected, media-timeout, capacity, media-unavailable, node-lost, node-drained, timeout, internal, or meta-<Meta's code>.")] string Code,
    [property: Description("What happened, for people.")] string Message)
{
    public static ErrorView? Of(CallError? error) => error is null ? null : new ErrorView(error.Code, error.Message);
}

[Description("An agent of the console.")]
public sealed record AgentView(
    [property: Description("The agent's id (the signed-in principal's object id).")] string Id,
    [property: Description("The agent's display name.")] string Name)
{
    public static AgentView? Of(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.AgentId is { } id ? new AgentView(id, call.AgentName ?? id) : null;
    }
}
