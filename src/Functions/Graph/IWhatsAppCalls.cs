namespace Serverless.Functions.Graph;

/// <summary>
/// The Graph <c>/calls</c> actions the flows need (meta-calling-api.md §1). Failures surface as
/// <see cref="WhatsAppCallException"/>, carrying Meta's error code when Meta answered with one.
/// </summary>
public interface IWhatsAppCalls
{
    /// <summary>POST <c>connect</c> with our SDP offer; returns Meta's call id (<c>calls[0].id</c>).</summary>
    Task<string> ConnectAsync(string phoneNumberId, string to, string sdpOffer, string? bizOpaqueCallbackData, CancellationToken cancellationToken);

    /// <summary>POST <c>pre_accept</c> with our SDP answer.</summary>
    Task PreAcceptAsync(string phoneNumberId, string wacid, string sdpAnswer, CancellationToken cancellationToken);

    /// <summary>POST <c>accept</c> with the same SDP answer as pre_accept.</summary>
    Task AcceptAsync(string phoneNumberId, string wacid, string sdpAnswer, string? bizOpaqueCallbackData, CancellationToken cancellationToken);

    /// <summary>POST <c>reject</c> for a user-initiated call we will not serve.</summary>
    Task RejectAsync(string phoneNumberId, string wacid, CancellationToken cancellationToken);

    /// <summary>POST <c>terminate</c> (either direction).</summary>
    Task TerminateAsync(string phoneNumberId, string wacid, CancellationToken cancellationToken);
}
