namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>
/// The user's phone in one simulated call: the WebRTC side Meta's infrastructure plays (ICE-lite, DTLS
/// <c>setup:active</c> when answering). The simulator drives signalling; the phone owns SDP and media.
/// </summary>
public interface ISimulatedPhone : IAsyncDisposable
{
    /// <summary>Raised when the phone ends the call on its own (e.g. media timeout); the simulator terminates the call.</summary>
    event EventHandler<SimulatedPhoneEndedEventArgs>? Ended;

    /// <summary>Offer for a user-initiated call (the connect webhook's <c>session.sdp</c>).</summary>
    Task<string> CreateOfferAsync(CancellationToken cancellationToken);

    /// <summary>Answer to the business's offer of a business-initiated call.</summary>
    Task<string> AnswerAsync(string offerSdp, CancellationToken cancellationToken);

    /// <summary>Applies the business's answer (pre_accept or accept) to a user-initiated call.</summary>
    Task ApplyAnswerAsync(string answerSdp, CancellationToken cancellationToken);

    /// <summary>The call is over (either side); stop media.</summary>
    Task HangUpAsync(CancellationToken cancellationToken);
}
