using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Graph;
using Serverless.Functions.Http;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// <c>POST /api/subscriptions</c> and <c>DELETE /api/subscriptions/{id}</c>: Power Platform's webhook trigger pattern
/// ("When a call changes state"). Subscribing answers 201 with <c>Location</c>, the URL the platform DELETEs to
/// unsubscribe when the flow is turned off or deleted.
/// </summary>
public sealed partial class SubscriptionsApi(
    SubscriptionStore store,
    CallbackUrlPolicy callbackUrls,
    IOptions<MetaOptions> meta,
    TimeProvider time,
    ILogger<SubscriptionsApi> logger)
{
    public const string SubscribeFunctionName = "SubscribeToCallEvents";
    public const string UnsubscribeFunctionName = "UnsubscribeFromCallEvents";
    private const int MaxBodyBytes = 16 * 1024;

    [Function(SubscribeFunctionName)]
    public async Task<IActionResult> SubscribeAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "subscriptions")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await BodyReader.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge(MaxBodyBytes);
        }

        if (!JsonObjectBody.TryParse(body, out var document, out var invalid))
        {
            return Problems.InvalidJson(invalid);
        }

        string url;
        List<string> events;
        string? phoneNumberId;
        using (document)
        {
            if (Parse(document.RootElement, out url, out events, out phoneNumberId) is { } problem)
            {
                return Problems.Validation(problem);
            }
        }

        if (phoneNumberId is not null && !meta.Value.Serves(phoneNumberId))
        {
            return Problems.UnknownPhoneNumberId();
        }

        // The same guard as a dial's callbackUrl (form and every address the host resolves to), and again at every send.
        if (await callbackUrls.ValidateAsync(url, cancellationToken) is { IsAllowed: false } refusal)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.CallbackUrlRefused, "'url' is not allowed.", refusal.Detail);
        }

        var subscription = new CallEventSubscription(Guid.NewGuid().ToString("N"), url, events, phoneNumberId, time.GetUtcNow());
        if (!await store.AddAsync(subscription, cancellationToken))
        {
            return Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.SubscriptionLimitReached,
                "Too many subscriptions.", $"At most {SubscriptionStore.MaxSubscriptions} are kept; delete unused ones first.");
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            var eventList = string.Join(' ', events);
            LogSubscribed(subscription.Id, eventList, phoneNumberId ?? "any");
        }

        var location = $"{request.Scheme}://{request.Host}{request.PathBase}/api/subscriptions/{subscription.Id}";
        return new CreatedResult(location, SubscriptionResource.Of(subscription));
    }

    [Function(UnsubscribeFunctionName)]
    public async Task<IActionResult> UnsubscribeAsync(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "subscriptions/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower) || !await store.DeleteAsync(id, cancellationToken))
        {
            return Problems.Create(StatusCodes.Status404NotFound, ProblemTypes.SubscriptionNotFound, "No such subscription.");
        }

        LogUnsubscribed(id);
        return new NoContentResult();
    }

    /// <summary>Reads <c>{url, events[], phoneNumberId?}</c>; the problem names the member at fault.</summary>
    private static string? Parse(JsonElement root, out string url, out List<string> events, out string? phoneNumberId)
    {
        url = string.Empty;
        events = [];
        phoneNumberId = null;
        foreach (var member in root.EnumerateObject())
        {
            if (member.Name is not ("url" or "events" or "phoneNumberId"))
            {
                return $"Unknown member '{member.Name}'; a subscription has url, events and phoneNumberId.";
            }
        }

        if (!root.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String || urlElement.GetString() is not { Length: > 0 and <= 2048 } text)
        {
            return "'url' is required: the https URL (at most 2048 characters) events are sent to.";
        }

        url = text;
        if (!root.TryGetProperty("events", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            return "'events' is required: a non-empty array of " + string.Join(", ", CallbackEventTypes.All) + ".";
        }

        foreach (var item in list.EnumerateArray())
        {
            var type = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (type is null || !CallbackEventTypes.All.Contains(type, StringComparer.Ordinal))
            {
                return $"'events' holds '{item}', not one of " + string.Join(", ", CallbackEventTypes.All) + ".";
            }

            if (!events.Contains(type, StringComparer.Ordinal))
            {
                events.Add(type);
            }
        }

        if (root.TryGetProperty("phoneNumberId", out var number) && number.ValueKind != JsonValueKind.Null)
        {
            if (number.ValueKind != JsonValueKind.String || number.GetString() is not { Length: > 0 } id)
            {
                return "'phoneNumberId' must be a business phone number id (a string) or null.";
            }

            phoneNumberId = id;
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} made for {Events} of number {PhoneNumberId}")]
    private partial void LogSubscribed(string subscriptionId, string events, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} deleted")]
    private partial void LogUnsubscribed(string subscriptionId);
}
