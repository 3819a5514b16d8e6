using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Shared.Tests.WhatsApp.Webhooks;

/// <summary>Every payload Meta documents for calling (meta-calling-api.md §2a–§2d, §3) parses to the right event.</summary>
public sealed class WebhookParserMetaPayloadTests
{
    private static readonly DateTimeOffset T1671644824 = DateTimeOffset.FromUnixTimeSeconds(1671644824);

    [Fact]
    public void Inbound_connect_2a_carries_the_users_offer_and_caller()
    {
        var connect = ParseAssert.Single<CallConnect>(WebhookPayloads.InboundConnect);

        Assert.Equal("wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh", connect.CallId);
        Assert.Equal("16315553602", connect.From);
        Assert.Equal("16315553601", connect.To);
        Assert.Equal(CallDirection.UserInitiated, connect.Direction);
        Assert.Equal(SdpType.Offer, connect.SdpType);
        Assert.Equal(WebhookPayloads.InboundOfferSdp, connect.Sdp);
        Assert.Equal("deeplink-42", connect.DeeplinkPayload);
        Assert.Equal("cta-7", connect.CtaPayload);
        Assert.Equal("Pablo Morales", connect.CallerName);
        Assert.Null(connect.BizOpaqueCallbackData);
        Assert.Equal("102290129340398", connect.WabaId);
        Assert.Equal("106540352242922", connect.PhoneNumberId);
        Assert.Equal("16315553601", connect.DisplayPhoneNumber);
        Assert.Equal(T1671644824, connect.Timestamp);
    }

    [Fact]
    public void Outbound_connect_2b_carries_metas_answer_and_prefers_session_over_legacy()
    {
        var connect = ParseAssert.Single<CallConnect>(WebhookPayloads.OutboundConnect);

        Assert.Equal("wacid.HBgLMTY1MDM4Nzk0MzkVAgARGCA", connect.CallId);
        Assert.Equal(CallDirection.BusinessInitiated, connect.Direction);
        Assert.Equal(SdpType.Answer, connect.SdpType);
        Assert.Equal(WebhookPayloads.AnswerSdp, connect.Sdp);
        Assert.Equal("0fS5cePMok", connect.BizOpaqueCallbackData);
        Assert.Null(connect.CallerName);
    }

    [Fact]
    public void Outbound_connect_2b_legacy_connection_webrtc_sdp_is_unwrapped()
    {
        var connect = ParseAssert.Single<CallConnect>(WebhookPayloads.OutboundConnectLegacy);

        Assert.Equal("wacid.LEGACY1", connect.CallId);
        Assert.Equal(SdpType.Answer, connect.SdpType);
        Assert.Equal(WebhookPayloads.AnswerSdp, connect.Sdp);
    }

    [Fact]
    public void Statuses_2c_yield_one_event_each_in_order()
    {
        var batch = ParseAssert.Parses(WebhookPayloads.Statuses);

        var statuses = batch.Events.Cast<CallStatus>().ToList();
        Assert.Equal([CallStatusKind.Ringing, CallStatusKind.Accepted, CallStatusKind.Rejected], statuses.Select(s => s.Status));
        Assert.All(statuses, s =>
        {
            Assert.Equal("wacid.HBgLMTY1MDM4Nzk0MzkVAgARGCA", s.CallId);
            Assert.Equal("16315553602", s.RecipientId);
            Assert.Equal("0fS5cePMok", s.BizOpaqueCallbackData);
        });
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1671644826), statuses[1].Timestamp);
        Assert.Empty(batch.Skipped);
        Assert.Empty(batch.Ignored);
    }

    [Fact]
    public void Terminate_2d_failed_call_takes_the_value_level_errors()
    {
        var batch = ParseAssert.Parses(WebhookPayloads.TerminateFailed);

        // The errors belong to the failed call, so they are not reported a second time as WebhookError events.
        var terminate = Assert.IsType<CallTerminate>(Assert.Single(batch.Events));
        Assert.Equal("wacid.FAILED1", terminate.CallId);
        Assert.Equal(CallTerminateStatus.Failed, terminate.Status);
        Assert.Equal(CallDirection.BusinessInitiated, terminate.Direction);
        Assert.Equal("random_string", terminate.BizOpaqueCallbackData);
        Assert.Null(terminate.StartTime);
        Assert.Null(terminate.EndTime);
        Assert.Null(terminate.Duration);
        var error = Assert.Single(terminate.Errors);
        Assert.Equal(138021, error.Code);
        Assert.Equal("ERROR_TITLE", error.Message);
        Assert.Equal("Media receive timeout", error.Details);
        Assert.Equal("https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/", error.Href);
    }

    [Fact]
    public void Terminate_2d_completed_call_has_times_and_duration()
    {
        var terminate = ParseAssert.Single<CallTerminate>(WebhookPayloads.TerminateCompleted);

        Assert.Equal(CallTerminateStatus.Completed, terminate.Status);
        Assert.Equal(CallDirection.UserInitiated, terminate.Direction);
        Assert.Equal(T1671644824, terminate.StartTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1671644944), terminate.EndTime);
        Assert.Equal(TimeSpan.FromSeconds(120), terminate.Duration);
        Assert.Empty(terminate.Errors);
    }

    [Fact]
    public void Permission_reply_3_user_action()
    {
        var reply = ParseAssert.Single<CallPermissionReply>(WebhookPayloads.PermissionReply);

        Assert.Equal("wamid.REPLY1", reply.MessageId);
        Assert.Equal("16315553602", reply.From);
        Assert.Equal("wamid.REQUEST1", reply.ContextId);
        Assert.Equal(PermissionResponse.Accept, reply.Response);
        Assert.False(reply.IsPermanent);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1745604800), reply.Expiration);
        Assert.Equal(PermissionResponseSource.UserAction, reply.ResponseSource);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1745000000), reply.Timestamp);
        Assert.Equal("106540352242922", reply.PhoneNumberId);
    }

    [Fact]
    public void Permission_reply_3_automatic_points_at_the_call_and_may_be_permanent()
    {
        var reply = ParseAssert.Single<CallPermissionReply>(WebhookPayloads.PermissionReplyAutomatic);

        Assert.Equal("wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh", reply.ContextId);
        Assert.True(reply.IsPermanent);
        Assert.Null(reply.Expiration);
        Assert.Equal(PermissionResponseSource.Automatic, reply.ResponseSource);
    }

    [Fact]
    public void Error_without_a_call_becomes_a_WebhookError_event()
    {
        var error = ParseAssert.Single<WebhookError>(WebhookPayloads.ErrorOnly);

        Assert.Equal(131044, error.Error.Code);
        Assert.Equal("No valid payment method", error.Error.Title);
        Assert.Equal("Add a payment method", error.Error.Details);
        Assert.Equal("106540352242922", error.PhoneNumberId);
    }
}
