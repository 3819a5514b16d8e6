using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Functions.Callbacks;
using Serverless.Shared.Security;
using static Serverless.Functions.Tests.Callbacks.CallbackHarness;

namespace Serverless.Functions.Tests.Callbacks;

/// <summary>Signed, at-least-once delivery to a real HTTPS receiver on 127.0.0.1 (loopback explicitly allowed).</summary>
public sealed class CallbackDeliveryTests : IAsyncLifetime
{
    private CallbackHarness _h = null!;

    public Task InitializeAsync()
    {
        _h = Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_slow_receiver_does_not_hold_up_another_receivers_callbacks()
    {
        await using var slow = await CallbackReceiver.StartAsync(Secret, _h.Clock.GetUtcNow, CallbackReceiver.FreePort());
        await using var fast = await CallbackReceiver.StartAsync(Secret, _h.Clock.GetUtcNow, CallbackReceiver.FreePort());
        // A rendezvous: each receiver answers only once the other's callback has arrived. Delivered one after the
        // other, the first would wait for the second until the request timeout and fail; delivered side by side, the
        // fast receiver's callback arrives while the slow one is still pending, and both succeed.
        slow.BeforeAnswer = ct => fast.FirstReceived.WaitAsync(ct);
        fast.BeforeAnswer = ct => slow.FirstReceived.WaitAsync(ct);
        await _h.Dispatcher.EnqueueAsync(slow.Url, Event("evt-slow"));
        await _h.Dispatcher.EnqueueAsync(fast.Url, Event("evt-fast"));

        var summary = await _h.Dispatcher.DrainAsync();

        Assert.Equal(new CallbackDrainSummary(2, 0, 0), summary);
        Assert.Equal("evt-slow", Assert.Single(slow.Received).EventId);
        Assert.Equal("evt-fast", Assert.Single(fast.Received).EventId);
        Assert.Equal(CallbackDeliveryStatus.Delivered, (await _h.Dispatcher.GetDeliveryAsync(slow.Url, "evt-slow"))?.Status);
    }

    [Fact]
    public async Task One_receiver_never_has_more_than_the_cap_in_flight_and_a_full_receiver_holds_up_no_other()
    {
        var cap = _h.Services.GetRequiredService<IOptions<CallbackOptions>>().Value.MaxConcurrentPerReceiver;
        var timeout = TimeSpan.FromSeconds(8);
        await using var slow = await CallbackReceiver.StartAsync(Secret, _h.Clock.GetUtcNow, CallbackReceiver.FreePort());
        await using var other = await CallbackReceiver.StartAsync(Secret, _h.Clock.GetUtcNow, CallbackReceiver.FreePort());
        var (inFlight, peak, otherArrived) = (0, 0, 0);
        using var release = new SemaphoreSlim(0);
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var otherDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The slow receiver holds every delivery until the test lets it go, and counts how many it holds at once.
        slow.BeforeAnswer = async ct =>
        {
            var now = Interlocked.Increment(ref inFlight);
            for (var seen = Volatile.Read(ref peak); now > seen; seen = Volatile.Read(ref peak))
            {
                Interlocked.CompareExchange(ref peak, now, seen);
            }

            if (now == cap)
            {
                full.TrySetResult();
            }

            try
            {
                await release.WaitAsync(ct);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        };
        const int OtherEvents = 3;
        other.BeforeAnswer = _ =>
        {
            if (Interlocked.Increment(ref otherArrived) == OtherEvents)
            {
                otherDone.TrySetResult();
            }

            return Task.CompletedTask;
        };
        var slowEvents = cap * 3;
        for (var i = 0; i < slowEvents; i++)
        {
            await _h.Dispatcher.EnqueueAsync(slow.Url, Event("evt-slow-" + i));
        }

        for (var i = 0; i < OtherEvents; i++)
        {
            await _h.Dispatcher.EnqueueAsync(other.Url, Event("evt-other-" + i));
        }

        var drain = _h.Dispatcher.DrainAsync();

        // The slow receiver is full and stays so: the other receiver gets all of its callbacks meanwhile, and no
        // further delivery reaches the slow one while none of its held ones has been answered.
        await full.Task.WaitAsync(timeout);
        await otherDone.Task.WaitAsync(timeout);
        Assert.Equal(cap, slow.Received.Count);
        Assert.Equal(OtherEvents, other.Received.Count);

        release.Release(slowEvents);
        var summary = await drain.WaitAsync(timeout);

        Assert.Equal(new CallbackDrainSummary(slowEvents + OtherEvents, 0, 0), summary);
        Assert.Equal(slowEvents, slow.Received.Select(r => r.EventId).Distinct().Count());
        Assert.Equal(cap, peak);
    }

    [Fact]
    public async Task Receiver_verifies_the_signature_and_reads_the_event()
    {
        await using var receiver = await CallbackReceiver.StartAsync(Secret, _h.Clock.GetUtcNow, CallbackReceiver.FreePort());
        Assert.Equal(CallbackEnqueueStatus.Enqueued, (await _h.Dispatcher.EnqueueAsync(receiver.Url, Event("evt-1"))).Status);

        var summary = await _h.Dispatcher.DrainAsync();

        Assert.Equal(new CallbackDrainSummary(1, 0, 0), summary);
        var received = Assert.Single(receiver.Received);
        Assert.Equal(SignatureCheck.Valid, received.Verdict);
        Assert.Equal("evt-1", received.EventId);
        Assert.Equal(T0.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), received.Timestamp);
        // The documented scheme, checked with the bare HMAC primitive: sha256=HMAC(secret, "<timestamp>." + body).
        var signed = Encoding.ASCII.GetBytes(received.Timestamp + ".").Concat(received.Body).ToArray();
        Assert.Equal(SignatureCheck.Valid, new HmacSha256Signature(Secret).Verify(signed, received.Signature));
        Assert.Equal(SignatureCheck.Mismatch, new HmacSha256Signature("another-secret-another-secret-0000").Verify(signed, received.Signature));
        using var json = JsonDocument.Parse(received.Body);
        Assert.Equal("evt-1", json.RootElement.GetProperty("eventId").GetString());
        Assert.Equal("completed", json.RootElement.GetProperty("outcome").GetString());
        var input = Assert.Single(json.RootElement.GetProperty("inputs").EnumerateArray());
        Assert.Equal(("12", "terminator", "#"), (input.GetProperty("digits").GetString(), input.GetProperty("endedBy").GetString(), input.GetProperty("terminator").GetString()));
        Assert.Equal("audio/ogg", json.RootElement.GetProperty("recording").GetProperty("contentType").GetString());
        Assert.Equal(61.5, json.RootElement.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(CallbackDeliveryStatus.Delivered, (await _h.Dispatcher.GetDeliveryAsync(receiver.Url, "evt-1"))!.Status);
    }

    [Fact]
    public async Task Receiver_down_for_a_while_gets_the_event_later_exactly_once()
    {
        var port = CallbackReceiver.FreePort();
        var url = $"https://127.0.0.1:{port}/hooks/calls";
        await _h.Dispatcher.EnqueueAsync(url, Event("evt-down"));

        // Nothing listens: connection refused, retried with backoff (5 s, then 10 s).
        Assert.Equal(new CallbackDrainSummary(0, 1, 0), await _h.Dispatcher.DrainAsync());
        Assert.Equal(new CallbackDrainSummary(0, 0, 0), await _h.Dispatcher.DrainAsync()); // not due yet
        _h.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(new CallbackDrainSummary(0, 1, 0), await _h.Dispatcher.DrainAsync());
        var pending = await _h.Dispatcher.GetDeliveryAsync(url, "evt-down");
        Assert.Equal(CallbackDeliveryStatus.Pending, pending!.Status);
        Assert.Equal(2, pending.Attempts);

        await using var receiver = await CallbackReceiver.StartAsync(Secret, _h.Clock.GetUtcNow, port);
        _h.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(new CallbackDrainSummary(0, 0, 0), await _h.Dispatcher.DrainAsync());
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new CallbackDrainSummary(1, 0, 0), await _h.Dispatcher.DrainAsync());
        _h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new CallbackDrainSummary(0, 0, 0), await _h.Dispatcher.DrainAsync());

        var received = Assert.Single(receiver.Received);
        Assert.Equal("evt-down", received.EventId);
        Assert.Equal(SignatureCheck.Valid, received.Verdict);
        Assert.Equal(3, (await _h.Dispatcher.GetDeliveryAsync(url, "evt-down"))!.Attempts);
    }

    [Fact]
    public async Task Receiver_errors_are_retried_and_the_event_id_stays_the_same()
    {
        await using var receiver = await CallbackReceiver.StartAsync(Secret, _h.Clock.GetUtcNow, CallbackReceiver.FreePort());
        receiver.Status = HttpStatusCode.ServiceUnavailable;
        await _h.Dispatcher.EnqueueAsync(receiver.Url, Event("evt-503"));

        Assert.Equal(1, (await _h.Dispatcher.DrainAsync()).Retrying);
        receiver.Status = HttpStatusCode.NoContent;
        _h.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, (await _h.Dispatcher.DrainAsync()).Delivered);

        Assert.Equal(["evt-503", "evt-503"], receiver.Received.Select(r => r.EventId));
        Assert.Equal(receiver.Received[0].Body, receiver.Received[1].Body);
        Assert.All(receiver.Received, r => Assert.Equal(SignatureCheck.Valid, r.Verdict));
    }

    [Fact]
    public async Task The_same_event_enqueued_twice_is_delivered_once()
    {
        await using var receiver = await CallbackReceiver.StartAsync(Secret, _h.Clock.GetUtcNow, CallbackReceiver.FreePort());

        Assert.Equal(CallbackEnqueueStatus.Enqueued, (await _h.Dispatcher.EnqueueAsync(receiver.Url, Event("evt-twice"))).Status);
        Assert.Equal(CallbackEnqueueStatus.Duplicate, (await _h.Dispatcher.EnqueueAsync(receiver.Url, Event("evt-twice"))).Status);
        await _h.Dispatcher.DrainAsync();
        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        await _h.Dispatcher.DrainAsync();

        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_final_4xx_is_given_up_without_retrying()
    {
        await using var receiver = await CallbackReceiver.StartAsync(Secret, _h.Clock.GetUtcNow, CallbackReceiver.FreePort());
        receiver.Status = HttpStatusCode.Gone;
        await _h.Dispatcher.EnqueueAsync(receiver.Url, Event("evt-gone"));

        Assert.Equal(new CallbackDrainSummary(0, 0, 1), await _h.Dispatcher.DrainAsync());
        _h.Clock.Advance(TimeSpan.FromHours(1));
        await _h.Dispatcher.DrainAsync();

        Assert.Single(receiver.Received);
        var state = await _h.Dispatcher.GetDeliveryAsync(receiver.Url, "evt-gone");
        Assert.Equal(CallbackDeliveryStatus.Failed, state!.Status);
        Assert.Equal("HTTP 410", state.LastError);
    }

    [Fact]
    public async Task Attempts_are_capped()
    {
        var url = $"https://127.0.0.1:{CallbackReceiver.FreePort()}/hooks/calls";
        await _h.Dispatcher.EnqueueAsync(url, Event("evt-cap"));

        for (var i = 0; i < 12; i++)
        {
            await _h.Dispatcher.DrainAsync();
            _h.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var state = await _h.Dispatcher.GetDeliveryAsync(url, "evt-cap");
        Assert.Equal(CallbackDeliveryStatus.Failed, state!.Status);
        Assert.Equal(10, state.Attempts);
    }

    [Fact]
    public async Task SSRF_url_is_refused_at_enqueue_and_nothing_is_stored()
    {
        // Plain http to anything but a loopback literal (which Development + AllowLoopback opens, as this harness runs).
        var result = await _h.Dispatcher.EnqueueAsync("http://93.184.216.34:1/cb", Event("evt-http"));

        Assert.Equal(CallbackEnqueueStatus.Refused, result.Status);
        Assert.Equal(CallbackUrlRefusal.NotHttps, result.Refusal!.Refusal);
        Assert.Null(await _h.Dispatcher.GetDeliveryAsync("http://93.184.216.34:1/cb", "evt-http"));
    }
}
