namespace Serverless.Functions.Calls;

public enum CreateCallStatus
{
    Created,

    /// <summary>A call with this call id exists already.</summary>
    DuplicateCallId,

    /// <summary>Another call holds this wacid (a re-delivered inbound connect webhook).</summary>
    DuplicateWacid,
}

/// <summary>Result of <see cref="ICallStore.CreateAsync"/>; <see cref="CallId"/> is the existing call on a duplicate.</summary>
public sealed record CreateCallResult(CreateCallStatus Status, string CallId)
{
    public bool Created => Status == CreateCallStatus.Created;
}
