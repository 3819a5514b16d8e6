using System.ComponentModel;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// A standing order for status events (a Power Automate / Logic Apps webhook trigger, or any receiver): every status
/// callback whose type is in <see cref="Events"/>, for calls of <see cref="PhoneNumberId"/> (any served number when
/// null), is also sent to <see cref="Url"/>, signed as every callback.
/// </summary>
/// <param name="Url">Where events go; checked by the callback SSRF guard at subscribe time and at every send. Holds the
/// receiver's own credentials (a Logic App's SAS), so it is never logged nor returned.</param>
public sealed record CallEventSubscription(string Id, string Url, IReadOnlyList<string> Events, string? PhoneNumberId, DateTimeOffset CreatedAt)
{
    /// <summary>Whether an event of <paramref name="type"/> about a call of business number <paramref name="phoneNumberId"/> goes to this subscription.</summary>
    public bool Matches(string type, string phoneNumberId) =>
        Events.Contains(type, StringComparer.Ordinal) && (PhoneNumberId is null || string.Equals(PhoneNumberId, phoneNumberId, StringComparison.Ordinal));
}

/// <summary>A subscription as the API shows it (its URL stays with us).</summary>
[Description("A subscription to call status events.")]
public sealed record SubscriptionResource
{
    [Description("Subscription id; DELETE /api/subscriptions/{id} ends it.")]
    public required string Id { get; init; }

    [Description("The event types sent to the subscription's URL.")]
    public required IReadOnlyList<string> Events { get; init; }

    [Description("Only calls of this business phone number id; null for every number this deployment serves.")]
    public string? PhoneNumberId { get; init; }

    [Description("When the subscription was made.")]
    public required DateTimeOffset CreatedAt { get; init; }

    public static SubscriptionResource Of(CallEventSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return new SubscriptionResource
        {
            Id = subscription.Id,
            Events = subscription.Events,
            PhoneNumberId = subscription.PhoneNumberId,
            CreatedAt = subscription.CreatedAt,
        };
    }
}
