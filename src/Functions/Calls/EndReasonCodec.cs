namespace Serverless.Functions.Calls;

/// <summary>Flattens <see cref="CallEndReason"/> to (kind, code, detail) for storage, and back.</summary>
internal static class EndReasonCodec
{
    public static (string Kind, int? Code, string? Detail) Encode(CallEndReason reason) => reason switch
    {
        CallEndReason.MetaError m => (nameof(CallEndReason.MetaError), m.Code, m.Message),
        CallEndReason.MediaFailed f => (nameof(CallEndReason.MediaFailed), null, f.Reason),
        CallEndReason.Timeout t => (nameof(CallEndReason.Timeout), null, t.StuckIn.ToString()),
        _ => (reason.GetType().Name, null, null),
    };

    public static CallEndReason Decode(string kind, int? code, string? detail) => kind switch
    {
        nameof(CallEndReason.Completed) => new CallEndReason.Completed(),
        nameof(CallEndReason.Rejected) => new CallEndReason.Rejected(),
        nameof(CallEndReason.NoAnswer) => new CallEndReason.NoAnswer(),
        nameof(CallEndReason.BusinessHangup) => new CallEndReason.BusinessHangup(),
        nameof(CallEndReason.UserHangup) => new CallEndReason.UserHangup(),
        nameof(CallEndReason.Dropped) => new CallEndReason.Dropped(),
        nameof(CallEndReason.MetaError) => new CallEndReason.MetaError(code ?? throw new InvalidDataException("Stored MetaError lacks its code."), detail ?? string.Empty),
        nameof(CallEndReason.MediaFailed) => new CallEndReason.MediaFailed(detail ?? string.Empty),
        nameof(CallEndReason.Timeout) => new CallEndReason.Timeout(Enum.Parse<CallState>(detail ?? string.Empty)),
        _ => throw new InvalidDataException($"Unknown stored end reason '{kind}'."),
    };
}
