using Serverless.Functions.Calls;
using Serverless.Shared.Media;
using static Serverless.Functions.Calls.CallTrigger;
using static Serverless.Functions.Tests.Calls.CallScenarios;
using MediaFailedEvent = Serverless.Shared.Media.MediaFailed;
using MediaFailedTrigger = Serverless.Functions.Calls.CallTrigger.MediaFailed;

namespace Serverless.Functions.Tests.Calls;

/// <summary>What the node reports about a call (inputs, the final report, failures) as the state machine records it.</summary>
public sealed class CallResultsTests
{
    private static readonly MediaStats Stats = new() { PacketsSent = 150, PacketsReceived = 148, PacketsLost = 2, JitterMs = 1.5 };
    private static readonly RecordingInfo Recording = new() { BlobName = "recordings/c.wav", ContentType = "audio/wav", DurationSeconds = 3, SizeBytes = 288_044 };

    private static DigitInput Input(string digits, InputEnd end = InputEnd.Terminator) => new()
    {
        Digits = digits, EndedBy = end, Terminator = end == InputEnd.Terminator ? "#" : null, StartedAt = T0, EndedAt = T0.AddSeconds(2),
    };

    [Fact]
    public void Inputs_are_appended_in_order_in_any_state_without_changing_it()
    {
        var connected = OutboundConnected();
        var first = Drive(connected, new InputReceived(Input("123")));
        var ended = Drive(first, new HangupRequested());
        var late = Drive(ended, new InputReceived(Input("9", InputEnd.Unprompted)));

        Assert.Equal(CallState.Connected, first.State);
        Assert.Equal(["123"], first.Inputs.Select(i => i.Digits));
        Assert.Equal(CallState.Ended, late.State);
        Assert.Equal(["123", "9"], late.Inputs.Select(i => i.Digits));
        Assert.Equal(InputEnd.Unprompted, late.Inputs[1].EndedBy);
    }

    [Fact]
    public void Inputs_stop_at_the_cap_and_the_rest_is_a_no_op()
    {
        var call = OutboundConnected() with { Inputs = [.. Enumerable.Range(0, CallRecord.MaxInputs).Select(i => Input(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))] };

        Assert.IsType<TransitionResult.NoChange>(Machine.Apply(call, new InputReceived(Input("1")), call.UpdatedAt));
    }

    [Fact]
    public void A_call_ending_while_its_node_carries_it_waits_for_the_report_then_is_reported()
    {
        var ended = Drive(OutboundConnected(), new HangupRequested());

        Assert.True(ended.IsFinal);
        Assert.Equal(ended.EndedAt + CallTimeouts.Default.MediaReport, ended.MediaReportDue);
        Assert.False(ended.IsReported);

        var reported = Drive(ended, new MediaStatsReported(Stats, Recording));
        Assert.True(reported.IsReported);
        Assert.Equal((Stats, Recording), (reported.MediaStats, reported.Recording));
        Assert.NotNull(reported.MediaEndedAt);
        Assert.IsType<TransitionResult.NoChange>(Machine.Apply(reported, new MediaStatsReported(Stats, Recording), reported.UpdatedAt));
    }

    [Fact]
    public void A_report_that_came_first_means_the_ending_waits_for_nothing()
    {
        var reported = Drive(OutboundConnected(), new MediaStatsReported(Stats, null));
        var ended = Drive(reported, new CallTrigger.PlaybackFinished());

        Assert.Equal(CallState.Connected, reported.State);
        Assert.Null(ended.MediaReportDue);
        Assert.True(ended.IsReported);
    }

    [Fact]
    public void A_report_that_never_comes_is_given_up_at_its_due_time_not_before()
    {
        var ended = Drive(OutboundConnected(), new HangupRequested());
        var due = ended.MediaReportDue!.Value;

        Assert.IsType<TransitionResult.NoChange>(Machine.Apply(ended, new MediaReportOverdue(), due.AddSeconds(-1)));
        var given = Assert.IsType<TransitionResult.Applied>(Machine.Apply(ended, new MediaReportOverdue(), due)).Current;
        Assert.True(given.IsReported);
        Assert.Null(given.MediaStats);
    }

    [Fact]
    public void A_node_failure_ends_the_call_with_its_coded_error_and_waits_for_no_report()
    {
        var error = new CallError(CallErrorCodes.PromptNotFound, "Step 0: the prompt does not exist.");
        var failed = Drive(OutboundConnected(), new MediaFailedTrigger(error));

        Assert.Equal((CallState.Failed, CallOutcome.Failed), (failed.State, failed.Outcome));
        Assert.Equal(error, failed.LastError);
        Assert.Equal(new CallEndReason.MediaFailed(CallErrorCodes.PromptNotFound), failed.EndReason);
        Assert.True(failed.IsReported);
    }

    [Fact]
    public void A_call_that_never_had_a_node_waits_for_no_report()
    {
        var cancelled = Drive(NewOutbound(), new HangupRequested());

        Assert.True(cancelled.IsReported);
    }

    [Theory]
    [InlineData(MediaFailureReason.PromptNotFound, "prompt-not-found")]
    [InlineData(MediaFailureReason.PromptInvalid, "prompt-invalid")]
    [InlineData(MediaFailureReason.PlanInvalid, "plan-invalid")]
    [InlineData(MediaFailureReason.IceFailed, "ice-failed")]
    [InlineData(MediaFailureReason.DtlsFailed, "dtls-failed")]
    [InlineData(MediaFailureReason.SdpRejected, "sdp-rejected")]
    [InlineData(MediaFailureReason.Timeout, "media-timeout")]
    [InlineData(MediaFailureReason.Capacity, "capacity")]
    [InlineData(MediaFailureReason.Internal, "internal")]
    public void Every_node_failure_reason_has_its_documented_code(MediaFailureReason reason, string code) =>
        Assert.Equal(code, CallErrorCodes.FromMediaFailed(new MediaFailedEvent { CallId = "c", CreatedAt = T0, Reason = reason }).Code);

    [Fact]
    public void Every_node_failure_reason_is_mapped()
    {
        foreach (var reason in Enum.GetValues<MediaFailureReason>().Where(r => r != MediaFailureReason.Internal))
        {
            Assert.NotEqual(CallErrorCodes.Internal, CallErrorCodes.ForMedia(reason));
        }
    }

    [Fact]
    public void A_DTLS_failure_message_names_the_alert_who_sent_it_the_version_and_the_suite()
    {
        var error = CallErrorCodes.FromMediaFailed(new MediaFailedEvent
        {
            CallId = "c",
            CreatedAt = T0,
            Reason = MediaFailureReason.DtlsFailed,
            Detail = "The peer sent DTLS alert handshake_failure.",
            Dtls = new DtlsFailureInfo
            {
                Failure = "Protocol", Alert = "handshake_failure", AlertFromRemote = true, Version = "DTLS 1.2",
                CipherSuite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            },
        });

        Assert.Equal("dtls-failed", error.Code);
        Assert.Contains("alert handshake_failure from the remote", error.Message, StringComparison.Ordinal);
        Assert.Contains("version DTLS 1.2", error.Message, StringComparison.Ordinal);
        Assert.Contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Meta_errors_keep_their_code_in_the_name()
    {
        var error = CallError.Meta(138006, "No approved call permission found");

        Assert.Equal(("meta-138006", 138006), (error.Code, error.MetaCode));
        Assert.Null(new CallError(CallErrorCodes.Capacity, "full").MetaCode);
    }

    [Fact]
    public void History_details_are_sentences_not_record_dumps()
    {
        var triggers = new CallTrigger[]
        {
            new MediaStatsReported(Stats, Recording), new InputReceived(Input("123")), new MediaFailedTrigger(new CallError("capacity", "full")),
            new Terminated(TerminateStatus.Completed, 42, null), new CallTrigger.OfferReady(Node), new HangupRequested(), new MediaReportOverdue(),
        };

        Assert.All(triggers, t => Assert.DoesNotContain("{", t.Describe(), StringComparison.Ordinal));
        Assert.Equal("Media ended: 150 packets sent, 148 received, 2 lost; recording of 3 s (288044 bytes).", triggers[0].Describe());
        Assert.Equal("The user entered '123' (Terminator #).", triggers[1].Describe());
    }
}
