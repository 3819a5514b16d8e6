using Serverless.Shared.Media;

namespace Serverless.Functions.Calls;

// What users see of a call's results, the same in the API and in the status callbacks (one shape, one spelling).

/// <summary>What the user entered: a collect step's result, or keys pressed outside one (<c>endedBy</c> = <c>unprompted</c>).</summary>
public sealed record InputView(
    string Digits, string EndedBy, string? Terminator, string? Name, DateTimeOffset StartedAt, DateTimeOffset EndedAt)
{
    public static InputView Of(DigitInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new InputView(input.Digits, WireText.Of(input.EndedBy), input.Terminator, input.Name, input.StartedAt, input.EndedAt);
    }
}

/// <summary>The call's recording: a short-lived read-only <see cref="Url"/> made when shown, and what it holds.</summary>
public sealed record RecordingView(Uri Url, string ContentType, double DurationSeconds, long SizeBytes)
{
    public static RecordingView Of(RecordingInfo recording, Uri url)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return new RecordingView(url, recording.ContentType, recording.DurationSeconds, recording.SizeBytes);
    }
}

/// <summary>Why the call failed: a stable <see cref="Code"/> (<see cref="CallErrorCodes"/>) and a message for people.</summary>
public sealed record ErrorView(string Code, string Message)
{
    public static ErrorView? Of(CallError? error) => error is null ? null : new ErrorView(error.Code, error.Message);
}
