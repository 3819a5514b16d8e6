using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Shared.Security;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Phone;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>
/// The connector's "When a call changes state" trigger as Power Automate drives it: subscribe a receiver, calls
/// fan their status events out to it signed like every callback, and after the DELETE on the subscription's Location
/// nothing more arrives.
/// </summary>
public sealed class SubscriptionTriggerTests
{
    private static readonly string[] Chosen = ["call.ringing", "call.connected", "call.input", "call.ended"];

    [Fact]
    public async Task A_subscribed_receiver_gets_each_chosen_event_signed_and_in_order_and_nothing_after_unsubscribing()
    {
        await using var flow = await SignedCallbackReceiver.StartAsync();
        await using var audit = await SignedCallbackReceiver.StartAsync();
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            ConfigureFunctions = s =>
            {
                s["Callbacks:SigningSecret"] = SignedCallbackReceiver.Secret;
                s["Callbacks:AllowLoopback"] = "true";
                s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development"; // AllowLoopback is refused outside Development
                s["Callbacks:MaxConcurrentPerReceiver"] = "1"; // one at a time: arrival order is send order
            },
            ConfigureFunctionsServices = SignedCallbackReceiver.Trust,
        });
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, new PhoneScript { PressDigits = "7#", ToneHz = UserHz });
        var api = product.Calls.Http;

        // The business number the trigger's phoneNumberId picker offers.
        var numbers = await api.GetFromJsonAsync<JsonElement>(new Uri("api/phone-numbers", UriKind.Relative));
        var number = Assert.Single(numbers.GetProperty("phoneNumbers").EnumerateArray());
        Assert.Equal(product.BusinessPhoneNumberId, number.GetProperty("id").GetString());

        // What a flow's trigger sends when it is saved; a second, narrower subscription stays on throughout.
        using var subscribed = await api.PostAsJsonAsync(new Uri("api/subscriptions", UriKind.Relative), new { url = flow.Url, events = Chosen });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        var location = subscribed.Headers.Location!;
        Assert.True(location.IsAbsoluteUri, location.ToString());
        var subscription = await subscribed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(location.AbsolutePath, "/api/subscriptions/" + subscription.GetProperty("id").GetString());
        Assert.Equal(Chosen, subscription.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.False(subscription.TryGetProperty("url", out _)); // the flow's SAS URL is never echoed
        using var auditSubscribed = await api.PostAsJsonAsync(new Uri("api/subscriptions", UriKind.Relative),
            new { url = audit.Url, events = new[] { "call.ended" }, phoneNumberId = product.BusinessPhoneNumberId });
        Assert.Equal(HttpStatusCode.Created, auditSubscribed.StatusCode);

        var first = await PlaceAndFinishAsync(product);
        var received = flow.Received.Where(r => r.Body.GetProperty("callId").GetString() == first).ToList();
        Assert.Equal(Chosen, received.Select(r => r.Body.GetProperty("type").GetString()));
        Assert.All(received, r => Assert.Equal(SignatureCheck.Valid, r.Verdict));
        Assert.Equal("7", received[2].Body.GetProperty("input").GetProperty("digits").GetString());
        Assert.Equal("completed", received[3].Body.GetProperty("outcome").GetString());
        var occurred = received.Select(r => r.Body.GetProperty("occurredAt").GetDateTimeOffset()).ToList();
        Assert.Equal(occurred.Order(), occurred);
        Assert.Equal("call.ended", Assert.Single(audit.Received).Body.GetProperty("type").GetString());

        // The flow is turned off: the platform DELETEs the Location. A second call reaches only the audit receiver.
        using var unsubscribed = await api.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, unsubscribed.StatusCode);
        using var again = await api.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        var before = flow.Received.Count;

        var second = await PlaceAndFinishAsync(product);
        Assert.Equal(2, audit.Received.Count);
        Assert.Equal(second, audit.Received[1].Body.GetProperty("callId").GetString());
        Assert.Equal(before, flow.Received.Count);
    }

    [Fact]
    public async Task A_subscription_is_refused_with_a_problem_when_its_url_events_or_number_are_wrong()
    {
        await using var product = await LocalProduct.StartAsync();
        var api = product.Calls.Http;

        async Task<(HttpStatusCode Status, string? Type, string? Detail)> SubscribeAsync(object body)
        {
            using var response = await api.PostAsJsonAsync(new Uri("api/subscriptions", UriKind.Relative), body);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return (response.StatusCode, problem.GetProperty("type").GetString()?.Split('/')[^1], problem.TryGetProperty("detail", out var d) ? d.GetString() : null);
        }

        var privateUrl = await SubscribeAsync(new { url = "https://10.0.0.5/hook", events = new[] { "call.ended" } });
        Assert.Equal((HttpStatusCode.BadRequest, "callback-url-refused"), (privateUrl.Status, privateUrl.Type));
        var plainHttp = await SubscribeAsync(new { url = "http://example.com/hook", events = new[] { "call.ended" } });
        Assert.Equal((HttpStatusCode.BadRequest, "callback-url-refused"), (plainHttp.Status, plainHttp.Type));
        var unknownEvent = await SubscribeAsync(new { url = "https://203.0.113.9/hook", events = new[] { "call.exploded" } });
        Assert.Equal((HttpStatusCode.BadRequest, "validation-failed"), (unknownEvent.Status, unknownEvent.Type));
        Assert.Contains("call.exploded", unknownEvent.Detail, StringComparison.Ordinal);
        var noEvents = await SubscribeAsync(new { url = "https://203.0.113.9/hook", events = Array.Empty<string>() });
        Assert.Equal((HttpStatusCode.BadRequest, "validation-failed"), (noEvents.Status, noEvents.Type));
        var otherNumber = await SubscribeAsync(new { url = "https://203.0.113.9/hook", events = new[] { "call.ended" }, phoneNumberId = "999" });
        Assert.Equal((HttpStatusCode.BadRequest, "unknown-phone-number-id"), (otherNumber.Status, otherNumber.Type));
        using var missing = await api.DeleteAsync(new Uri("api/subscriptions/0123456789abcdef0123456789abcdef", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>A call that rings, connects, takes the user's digits and ends; its events are then sent.</summary>
    private static async Task<string> PlaceAndFinishAsync(LocalProduct product)
    {
        var plan = new
        {
            steps = new object[]
            {
                new { tone = new { hz = PromptHz, ms = 300 } },
                new { name = "choice", collect = new { max = 4, terminator = "#", timeoutMs = 10_000 } },
                new { hangup = new { } },
            },
        };
        var callId = await product.DialAcceptedAsync(User, plan);
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);
        Assert.Equal(("ended", "completed"), (ended.State(), ended.Outcome()));
        await product.MediaEndedAsync(callId);
        await product.Functions.RunQueueAsync("DrainCallbacks");
        return callId;
    }
}
