using System.Text.Json;
using Serverless.Shared.Security;
using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;
using Serverless.Testing.WhatsAppSimulator.Users;
using Serverless.Testing.WhatsAppSimulator.Webhooks;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Webhooks;

public sealed class WebhookDeliveryTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static async Task WaitForStateAsync(WhatsAppSimulator sim, int attempts, WebhookDeliveryState state)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await sim.Webhooks.WaitUntilAsync(
            log => log.Count > 0 && log[0].Attempts.Count == attempts && log[0].State == state,
            timeout.Token);
    }

    [Fact]
    public async Task Non_2xx_is_retried_after_the_configured_delays_until_the_receiver_returns_200()
    {
        await using var h = await SimulatorHarness.StartAsync(o =>
        {
            o.WebhookRetryDelays.Clear();
            o.WebhookRetryDelays.Add(TimeSpan.FromSeconds(10));
            o.WebhookRetryDelays.Add(TimeSpan.FromSeconds(20));
        });
        h.Receiver.StatusFor = n => n switch { 0 => 500, 1 => 503, _ => 200 };
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);

        await WaitForStateAsync(h.Simulator, 1, WebhookDeliveryState.AwaitingRetry);
        h.Time.Advance(9 * Second);
        Assert.Single(h.Receiver.Received);
        h.Time.Advance(Second);
        await WaitForStateAsync(h.Simulator, 2, WebhookDeliveryState.AwaitingRetry);
        h.Time.Advance(20 * Second);
        await WaitForStateAsync(h.Simulator, 3, WebhookDeliveryState.Delivered);

        var received = h.Receiver.Received;
        Assert.Equal(3, received.Count);
        Assert.All(received, r => Assert.Equal(received[0].Body, r.Body));
        Assert.All(received, r => Assert.Equal(SignatureCheck.Valid, new HmacSha256Signature("sim-app-secret").Verify(r.Body, r.Signature)));
        var delivery = Assert.Single(h.Simulator.Webhooks.Deliveries);
        Assert.Equal([500, 503, 200], delivery.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Contains(call.Id, delivery.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_delivery_retries_in_the_background_while_later_ones_go_out_first()
    {
        await using var h = await SimulatorHarness.StartAsync(o =>
        {
            o.WebhookRetryDelays.Clear();
            o.WebhookRetryDelays.Add(TimeSpan.FromSeconds(5));
        });
        h.Receiver.StatusFor = n => n == 0 ? 500 : 200;
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);
        await WaitForStateAsync(h.Simulator, 1, WebhookDeliveryState.AwaitingRetry);

        Assert.Equal(200, (await h.CallActionAsync("reject", call.Id)).Status);
        await h.Receiver.WaitForAsync(2);
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var received = await h.Receiver.WaitForAsync(3);
        Assert.Equal(["connect", "terminate", "connect"], received.Select(r =>
        {
            using var document = r.Parse();
            return document.RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value").GetProperty("calls")[0].GetProperty("event").GetString()!;
        }));
        Assert.Equal(received[0].Body, received[2].Body);
    }

    [Fact]
    public async Task Delivery_is_marked_failed_after_the_last_retry()
    {
        await using var h = await SimulatorHarness.StartAsync(o =>
        {
            o.WebhookRetryDelays.Clear();
            o.WebhookRetryDelays.Add(TimeSpan.FromSeconds(1));
        });
        h.Receiver.StatusFor = _ => 500;
        await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);

        await WaitForStateAsync(h.Simulator, 1, WebhookDeliveryState.AwaitingRetry);
        h.Time.Advance(Second);
        await WaitForStateAsync(h.Simulator, 2, WebhookDeliveryState.Failed);

        Assert.Equal(2, h.Receiver.Received.Count);
    }

    [Fact]
    public async Task Signature_is_HMAC_SHA256_of_the_exact_bytes_with_the_app_secret()
    {
        await using var h = await SimulatorHarness.StartAsync(o => o.AppSecret = "another-secret");
        await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);

        var received = (await h.Receiver.WaitForAsync(1))[0];

        Assert.StartsWith("sha256=", received.Signature, StringComparison.Ordinal);
        Assert.Equal(SignatureCheck.Valid, new HmacSha256Signature("another-secret").Verify(received.Body, received.Signature));
        Assert.Equal(SignatureCheck.Mismatch, new HmacSha256Signature("sim-app-secret").Verify(received.Body, received.Signature));
        Assert.Equal(h.Simulator.Webhooks.Deliveries[0].Body, received.Body);
    }

    [Fact]
    public async Task Bodies_escape_slashes_and_non_ascii_like_Meta_so_only_raw_bytes_verify()
    {
        await using var h = await SimulatorHarness.StartAsync();
        await h.Simulator.StartInboundCallAsync(SimulatorHarness.User, new Calls.InboundCallOptions { ProfileName = "José Ünal" });

        var received = (await h.Receiver.WaitForAsync(1))[0];
        var raw = System.Text.Encoding.UTF8.GetString(received.Body);

        Assert.Contains("UDP\\/TLS\\/RTP\\/SAVPF", raw, StringComparison.Ordinal);
        Assert.Contains("Jos\\u00e9 \\u00dcnal", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("/", raw.Replace("\\/", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        using var document = received.Parse();
        var value = document.RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");
        Assert.Equal("José Ünal", value.GetProperty("contacts")[0].GetProperty("profile").GetProperty("name").GetString());
        Assert.Contains("UDP/TLS/RTP/SAVPF", value.GetProperty("calls")[0].GetProperty("session").GetProperty("sdp").GetString(), StringComparison.Ordinal);
        var reserialized = JsonSerializer.SerializeToUtf8Bytes(document.RootElement);
        var signer = new HmacSha256Signature("sim-app-secret");
        Assert.Equal(SignatureCheck.Valid, signer.Verify(received.Body, received.Signature));
        Assert.Equal(SignatureCheck.Mismatch, signer.Verify(reserialized, received.Signature));
    }

    [Fact]
    public async Task Redeliver_posts_the_same_bytes_and_signature_again()
    {
        await using var h = await SimulatorHarness.StartAsync();
        await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);
        await h.Receiver.WaitForAsync(1);
        var delivery = Assert.Single(h.Simulator.Webhooks.Deliveries);

        var status = await h.Simulator.Webhooks.RedeliverAsync(delivery.Id, CancellationToken.None);

        Assert.Equal(200, status);
        var received = await h.Receiver.WaitForAsync(2);
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.Equal(received[0].Signature, received[1].Signature);
        Assert.Equal(2, delivery.Attempts.Count);
    }

    [Fact]
    public async Task Deliver_twice_posts_every_body_two_times()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Webhooks.DeliverTwice = true;
        var callId = await h.ConnectOkAsync();
        await h.CallActionAsync("terminate", callId);

        var received = await h.Receiver.WaitForAsync(2);
        await WaitForStateAsync(h.Simulator, 2, WebhookDeliveryState.Delivered);

        Assert.Equal(received[0].Body, received[1].Body);
        var delivery = Assert.Single(h.Simulator.Webhooks.Deliveries);
        Assert.Equal(2, delivery.Attempts.Count);
    }

    [Fact]
    public async Task Held_deliveries_are_released_in_a_seeded_shuffled_order()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(2), hangUpAfter: TimeSpan.FromSeconds(10)));
        h.Simulator.Webhooks.Hold();
        var callId = await h.ConnectOkAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await h.Simulator.Clock.WaitUntilAsync(c => c.PendingCount == 0, timeout.Token);
        }

        await WaitHeldAsync(h.Simulator, 4);
        var released = h.Simulator.Webhooks.ReleaseHeld(shuffleSeed: 7);

        Assert.Equal(4, released);
        var received = await h.Receiver.WaitForAsync(4);
        var order = received.Select(Describe).ToList();
        string[] created = ["RINGING", "connect", "ACCEPTED", "terminate"];
        var expected = created.ToArray();
        new Random(7).Shuffle(expected);
        Assert.Equal(expected, order);
        Assert.NotEqual(created, order);
        Assert.All(received, r => Assert.Contains(callId, System.Text.Encoding.UTF8.GetString(r.Body), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Held_deliveries_can_be_released_as_one_batched_body_with_several_changes()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.RejectAfter(TimeSpan.FromSeconds(2)));
        h.Simulator.Webhooks.Hold();
        await h.ConnectOkAsync();
        h.Time.Advance(3 * Second);
        await WaitHeldAsync(h.Simulator, 3);

        h.Simulator.Webhooks.ReleaseHeld(asOneDelivery: true);

        var received = Assert.Single(await h.Receiver.WaitForAsync(1));
        Assert.Equal(SignatureCheck.Valid, new HmacSha256Signature("sim-app-secret").Verify(received.Body, received.Signature));
        using var document = received.Parse();
        var entry = Assert.Single(document.RootElement.GetProperty("entry").EnumerateArray());
        var changes = entry.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(3, changes.Count);
        Assert.All(changes, c => Assert.Equal("calls", c.GetProperty("field").GetString()));
        Assert.Equal("REJECTED", changes[1].GetProperty("value").GetProperty("statuses")[0].GetProperty("status").GetString());
        Assert.Equal("terminate", changes[2].GetProperty("value").GetProperty("calls")[0].GetProperty("event").GetString());
    }

    private static async Task WaitHeldAsync(WhatsAppSimulator sim, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await sim.Webhooks.WaitUntilHeldAsync(count, timeout.Token);
    }

    private static string Describe(ReceivedWebhook webhook)
    {
        using var document = webhook.Parse();
        var value = document.RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");
        return value.TryGetProperty("statuses", out var statuses)
            ? statuses[0].GetProperty("status").GetString()!
            : value.GetProperty("calls")[0].GetProperty("event").GetString()!;
    }
}
