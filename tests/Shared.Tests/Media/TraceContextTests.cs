using System.Diagnostics;
using Serverless.Shared.Media;

namespace Serverless.Shared.Tests.Media;

public class TraceContextTests
{
    [Fact]
    public void Message_captures_current_activity_and_receiver_continues_the_same_trace()
    {
        using var sender = new Activity("dial").SetIdFormat(ActivityIdFormat.W3C).Start();
        sender.TraceStateString = "az=1";
        var command = new ApplyAnswer { CallId = "c", NodeId = "n", CreatedAt = DateTimeOffset.UnixEpoch, Sdp = "v=0" };
        sender.Stop();
        Assert.Null(Activity.Current);

        Assert.Equal(sender.Id, command.TraceParent);
        Assert.Equal("az=1", command.TraceState);
        Assert.True(MediaMessageSerializer.TryDeserialize(MediaMessageSerializer.Serialize(command), out var received, out _));

        using var receiving = received.Trace.StartActivity("apply-answer");
        Assert.Equal(sender.TraceId, receiving.TraceId);
        Assert.Equal(sender.SpanId, receiving.ParentSpanId);
        Assert.NotEqual(sender.SpanId, receiving.SpanId);
        Assert.Equal("az=1", receiving.TraceStateString);
    }

    [Fact]
    public void Trace_flows_through_an_ActivitySource_with_listeners()
    {
        using var source = new ActivitySource("test.media." + Guid.NewGuid().ToString("N"));
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var parent = new TraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);

        using var activity = parent.StartActivity("handle", source);

        Assert.Same(source, activity.Source);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", activity.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", activity.ParentSpanId.ToHexString());
    }

    [Fact]
    public void Without_a_current_activity_the_message_carries_no_trace_and_the_receiver_starts_a_new_one()
    {
        Assert.Null(Activity.Current);
        var command = new Hangup { CallId = "c", CreatedAt = DateTimeOffset.UnixEpoch, Reason = HangupReason.Business };

        Assert.Null(command.TraceParent);
        using var activity = command.Trace.StartActivity("hangup");
        Assert.Equal(default, activity.ParentSpanId);
    }

    [Fact]
    public void A_message_without_traceparent_does_not_pick_up_the_receivers_activity()
    {
        var json = """{"type":"MediaConnected","callId":"c","createdAt":"2026-11-26T02:00:00Z"}"""u8.ToArray();
        using var receiverActivity = new Activity("receive").SetIdFormat(ActivityIdFormat.W3C).Start();

        Assert.True(MediaMessageSerializer.TryDeserialize(json, out var message, out _));

        Assert.Null(message.TraceParent);
        Assert.Null(message.TraceState);
    }

    [Theory]
    [InlineData("not-a-traceparent")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    public void Invalid_traceparent_is_ignored_rather_than_trusted(string traceParent)
    {
        var context = new TraceContext(traceParent, null);

        Assert.False(context.TryGetActivityContext(out _));
        using var activity = context.StartActivity("x");
        Assert.Equal(default, activity.ParentSpanId);
    }
}
