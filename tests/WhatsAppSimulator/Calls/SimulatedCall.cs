using Serverless.Testing.WhatsAppSimulator.Phone;

namespace Serverless.Testing.WhatsAppSimulator.Calls;

/// <summary>One call the simulator knows about. State changes happen under the engine's lock.</summary>
public sealed class SimulatedCall
{
    private readonly List<IDisposable> _timers = [];

    internal SimulatedCall(string id, SimulatedCallDirection direction, BusinessPhoneNumber business, string userWaId, DateTimeOffset createdAt, ISimulatedPhone phone)
    {
        Id = id;
        Direction = direction;
        Business = business;
        UserWaId = userWaId;
        CreatedAt = createdAt;
        Phone = phone;
    }

    /// <summary>The <c>wacid.…</c> id.</summary>
    public string Id { get; }

    /// <summary>Who placed the call.</summary>
    public SimulatedCallDirection Direction { get; }

    /// <summary>The business number on the call.</summary>
    public BusinessPhoneNumber Business { get; }

    /// <summary>The user's wa_id.</summary>
    public string UserWaId { get; }

    /// <summary>When the call was placed.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Current phase.</summary>
    public SimulatedCallPhase Phase { get; internal set; } = SimulatedCallPhase.Ringing;

    /// <summary>The offer (business's for outbound, phone's for inbound).</summary>
    public string? OfferSdp { get; internal set; }

    /// <summary>The answer in force (phone's for outbound, business's accept for inbound).</summary>
    public string? AnswerSdp { get; internal set; }

    /// <summary>SDP the business sent with pre_accept, if any.</summary>
    public string? PreAcceptSdp { get; internal set; }

    /// <summary>Echoed in status and terminate webhooks.</summary>
    public string? BizOpaqueCallbackData { get; internal set; }

    /// <summary>Profile name in contacts[].</summary>
    public string ProfileName { get; internal set; } = "Simulated User";

    /// <summary>Optional inbound <c>deeplink_payload</c>.</summary>
    public string? DeeplinkPayload { get; internal set; }

    /// <summary>Optional inbound <c>cta_payload</c>.</summary>
    public string? CtaPayload { get; internal set; }

    /// <summary>When the call was picked up, if it was.</summary>
    public DateTimeOffset? ConnectedAt { get; internal set; }

    /// <summary>When the call ended, if it has.</summary>
    public DateTimeOffset? EndedAt { get; internal set; }

    /// <summary>Terminate status sent (COMPLETED or FAILED), once ended.</summary>
    public string? EndStatus { get; internal set; }

    /// <summary>The phone playing the user.</summary>
    public ISimulatedPhone Phone { get; }

    /// <summary>Wire <c>from</c>: the caller.</summary>
    public string From => Direction == SimulatedCallDirection.BusinessInitiated ? Business.DisplayPhoneNumber : UserWaId;

    /// <summary>Wire <c>to</c>: the callee.</summary>
    public string To => Direction == SimulatedCallDirection.BusinessInitiated ? UserWaId : Business.DisplayPhoneNumber;

    /// <summary>Wire value of <see cref="Direction"/>.</summary>
    public string DirectionWire => Direction == SimulatedCallDirection.BusinessInitiated ? "BUSINESS_INITIATED" : "USER_INITIATED";

    internal Task<string>? PendingPhoneAnswer { get; set; }

    internal void AddTimer(IDisposable timer) => _timers.Add(timer);

    internal void CancelTimers()
    {
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }

        _timers.Clear();
    }
}
