using Serverless.Shared.WhatsApp.Webhooks;
using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;
using Serverless.Testing.WhatsAppSimulator.Users;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Contract;

/// <summary>
/// The simulator writes Meta's JSON on its own; these tests feed its deliveries to the product's parser
/// (Serverless.Shared) so a disagreement between the two fails here rather than in an end-to-end run.
/// </summary>
public sealed class ProductParserContractTests
{
    private static List<WebhookEvent> ParseAll(IEnumerable<ReceivedWebhook> received)
    {
        var events = new List<WebhookEvent>();
        foreach (var webhook in received)
        {
            Assert.True(WebhookParser.TryParse(webhook.Body, out var batch, out var error), error?.Message);
            Assert.Empty(batch.Skipped);
            events.AddRange(batch.Events);
        }

        return events;
    }

    [Fact]
    public async Task Outbound_answered_call_parses_into_status_connect_status_terminate()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(4), hangUpAfter: TimeSpan.FromSeconds(61)));
        var t0 = h.Time.GetUtcNow();
        var callId = await h.ConnectOkAsync();
        h.Time.Advance(TimeSpan.FromMinutes(2));

        var events = ParseAll(await h.Receiver.WaitForAsync(4));

        Assert.Collection(
            events,
            e => Assert.Equal(CallStatusKind.Ringing, Assert.IsType<CallStatus>(e).Status),
            e =>
            {
                var connect = Assert.IsType<CallConnect>(e);
                Assert.Equal(callId, connect.CallId);
                Assert.Equal(CallDirection.BusinessInitiated, connect.Direction);
                Assert.Equal(SdpType.Answer, connect.SdpType);
                Assert.Equal(h.Simulator.FindCall(callId)!.AnswerSdp, connect.Sdp);
                Assert.Equal(t0 + TimeSpan.FromSeconds(4), connect.Timestamp);
            },
            e => Assert.Equal(CallStatusKind.Accepted, Assert.IsType<CallStatus>(e).Status),
            e =>
            {
                var terminate = Assert.IsType<CallTerminate>(e);
                Assert.Equal(CallTerminateStatus.Completed, terminate.Status);
                Assert.Equal(TimeSpan.FromSeconds(61), terminate.Duration);
                Assert.Equal(t0 + TimeSpan.FromSeconds(4), terminate.StartTime);
                Assert.Empty(terminate.Errors);
            });
        Assert.All(events, e => Assert.Equal(h.PhoneNumberId, e.PhoneNumberId));
    }

    [Fact]
    public async Task Unanswered_call_parses_into_a_failed_terminate_with_its_error()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.NeverAnswer());
        await h.ConnectOkAsync();
        h.Time.Advance(TimeSpan.FromMinutes(2));

        var terminate = Assert.IsType<CallTerminate>(ParseAll(await h.Receiver.WaitForAsync(2))[1]);

        Assert.Equal(CallTerminateStatus.Failed, terminate.Status);
        Assert.Null(terminate.Duration);
        Assert.Equal(SimulatedUserBehavior.NotAnsweredErrorCode, Assert.Single(terminate.Errors).Code);
    }

    [Fact]
    public async Task Inbound_offer_and_batched_shuffled_deliveries_parse_with_stable_dedup_keys()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.RejectAfter(TimeSpan.FromSeconds(2)));
        var inbound = await h.Simulator.StartInboundCallAsync("16315550000", new Calls.InboundCallOptions { ProfileName = "Zoë" });
        var first = ParseAll(await h.Receiver.WaitForAsync(1));
        var offer = Assert.IsType<CallConnect>(Assert.Single(first));
        Assert.Equal(inbound.Id, offer.CallId);
        Assert.Equal(SdpType.Offer, offer.SdpType);
        Assert.Equal(CallDirection.UserInitiated, offer.Direction);
        Assert.Equal("Zoë", offer.CallerName);

        h.Simulator.Webhooks.Hold();
        await h.ConnectOkAsync();
        h.Time.Advance(TimeSpan.FromSeconds(3));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await h.Simulator.Webhooks.WaitUntilHeldAsync(3, timeout.Token);
        }

        h.Simulator.Webhooks.ReleaseHeld(shuffleSeed: 3, asOneDelivery: true);
        var batched = ParseAll((await h.Receiver.WaitForAsync(2)).Skip(1));
        var redelivered = await h.Simulator.Webhooks.RedeliverAsync(h.Simulator.Webhooks.Deliveries[^1].Id, CancellationToken.None);
        var again = ParseAll((await h.Receiver.WaitForAsync(3)).Skip(2));

        Assert.Equal(200, redelivered);
        Assert.Equal(3, batched.Count);
        Assert.Contains(batched, e => e is CallStatus { Status: CallStatusKind.Rejected });
        Assert.Contains(batched, e => e is CallTerminate { Status: CallTerminateStatus.Failed });
        Assert.Equal(batched.Select(e => e.DedupKey), again.Select(e => e.DedupKey));
    }

    [Fact]
    public async Task Permission_reply_and_message_receipts_parse()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, new SimulatedUserBehavior { PermissionReply = PermissionReply.Accept });
        var reply = await h.PostAsync("messages", """{"messaging_product":"whatsapp","to":"16315553602","type":"interactive","interactive":{"type":"call_permission_request","action":{"name":"call_permission_request"}}}""");
        var requestId = reply.Json.RootElement.GetProperty("messages")[0].GetProperty("id").GetString();
        h.Time.Advance(TimeSpan.FromSeconds(2));

        var events = ParseAll(await h.Receiver.WaitForAsync(3));

        var permission = Assert.IsType<CallPermissionReply>(Assert.Single(events));
        Assert.Equal(PermissionResponse.Accept, permission.Response);
        Assert.Equal(PermissionResponseSource.UserAction, permission.ResponseSource);
        Assert.Equal(requestId, permission.ContextId);
        Assert.False(permission.IsPermanent);
        Assert.Equal(h.Time.GetUtcNow() - TimeSpan.FromSeconds(1) + TimeSpan.FromDays(7), permission.Expiration);
    }
}
