using System.Net;
using Serverless.Shared.Tests.WhatsApp.Graph.Support;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Shared.Tests.WhatsApp.Graph;

/// <summary>Meta's error bodies (meta-calling-api.md §1e) become <see cref="WhatsAppApiException"/> with every field.</summary>
public sealed class WhatsAppErrorMappingTests : IClassFixture<GraphStubFixture>, IDisposable
{
    private readonly GraphStubServer _stub;
    private readonly GraphClientHost _host;

    public WhatsAppErrorMappingTests(GraphStubFixture fixture)
    {
        _stub = fixture.Server;
        _stub.Reset();
        _host = new GraphClientHost(_stub.BaseUrl, configure: o => o.MaxRetryAttempts = 0);
    }

    public void Dispose() => _host.Dispose();

    /// <summary>Meta's troubleshooting table: code, kind, HTTP status.</summary>
    public static TheoryData<int, WhatsAppErrorKind, int> DocumentedCodes => new()
    {
        { 100, WhatsAppErrorKind.InvalidParameter, 400 },
        { 613, WhatsAppErrorKind.PermissionApiRateLimit, 429 },
        { 131009, WhatsAppErrorKind.InteractiveNotSupported, 400 },
        { 131030, WhatsAppErrorKind.RecipientNotAllowed, 400 },
        { 131044, WhatsAppErrorKind.NoPaymentMethod, 400 },
        { 131055, WhatsAppErrorKind.MethodNotAllowedSip, 400 },
        { 138000, WhatsAppErrorKind.CallingNotEnabled, 401 },
        { 138001, WhatsAppErrorKind.ReceiverUncallable, 400 },
        { 138002, WhatsAppErrorKind.ConcurrentCallsLimit, 429 },
        { 138003, WhatsAppErrorKind.DuplicateCall, 400 },
        { 138004, WhatsAppErrorKind.ConnectionError, 500 },
        { 138005, WhatsAppErrorKind.CallRateLimit, 429 },
        { 138006, WhatsAppErrorKind.NoCallPermission, 401 },
        { 138007, WhatsAppErrorKind.ConnectTimeout, 500 },
        { 138009, WhatsAppErrorKind.PermissionRequestLimit, 400 },
        { 138012, WhatsAppErrorKind.BusinessInitiatedCallsLimit, 400 },
        { 138013, WhatsAppErrorKind.CountryNotAvailable, 400 },
        { 138014, WhatsAppErrorKind.CallingTemporarilyDisabled, 400 },
        { 138015, WhatsAppErrorKind.CallingCannotBeEnabled, 400 },
        { 138017, WhatsAppErrorKind.PermanentPermissionExists, 400 },
        { 138018, WhatsAppErrorKind.TechnicalPrerequisites, 400 },
        { 138019, WhatsAppErrorKind.CallSetupFailed, 400 },
        { 138020, WhatsAppErrorKind.RelayConnectionFailed, 400 },
        { 138021, WhatsAppErrorKind.MediaReceiveTimeout, 400 },
        { 138022, WhatsAppErrorKind.MediaTransmitTimeout, 400 },
        { 138023, WhatsAppErrorKind.NoMediaAfterAccept, 400 },
    };

    [Theory]
    [MemberData(nameof(DocumentedCodes))]
    public void Every_documented_code_maps_to_its_kind(int code, WhatsAppErrorKind kind, int httpStatus)
    {
        _ = httpStatus;
        Assert.Equal(kind, WhatsAppErrorKinds.FromCode(code));
    }

    [Theory]
    [MemberData(nameof(DocumentedCodes))]
    public async Task Every_documented_error_body_surfaces_as_a_typed_exception(int code, WhatsAppErrorKind kind, int httpStatus)
    {
        _stub.Status = (HttpStatusCode)httpStatus;
        _stub.ResponseJson = $$$"""
            {"error":{"message":"Meta says {{{code}}}","type":"OAuthException","code":{{{code}}},"error_subcode":2494010,
              "error_data":{"messaging_product":"whatsapp","details":"details of {{{code}}}"},"fbtrace_id":"AbCdEf{{{code}}}"}}
            """;

        var ex = await Assert.ThrowsAsync<WhatsAppApiException>(
            () => _host.Client.TerminateAsync(GraphClientHost.PhoneNumberId, "wacid.1"));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal((HttpStatusCode)httpStatus, ex.HttpStatus);
        Assert.Equal(code, ex.Code);
        Assert.Equal(2494010, ex.Subcode);
        Assert.Equal("OAuthException", ex.ErrorType);
        Assert.Equal($"AbCdEf{code}", ex.FbTraceId);
        Assert.Equal($"details of {code}", ex.Details);
        Assert.Equal($"Meta says {code}", ex.MetaMessage);
        Assert.Contains($"Meta says {code}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(GraphAction.Terminate, ex.Action);
        Assert.Equal(httpStatus == 429, ex.IsRateLimit);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(138008)]
    [InlineData(999999)]
    public void Unlisted_codes_are_Unknown(int code) => Assert.Equal(WhatsAppErrorKind.Unknown, WhatsAppErrorKinds.FromCode(code));

    [Fact]
    public void A_missing_code_is_Unknown() => Assert.Equal(WhatsAppErrorKind.Unknown, WhatsAppErrorKinds.FromCode(null));

    [Fact]
    public async Task A_non_JSON_error_body_keeps_the_status_with_Unknown_kind()
    {
        _stub.Status = HttpStatusCode.BadGateway;
        _stub.ResponseContentType = "text/html";
        _stub.ResponseJson = "<html><body>502 Bad Gateway</body></html>";

        var ex = await Assert.ThrowsAsync<WhatsAppApiException>(
            () => _host.Client.GetCallPermissionsAsync(GraphClientHost.PhoneNumberId, "16315553602"));

        Assert.Equal(HttpStatusCode.BadGateway, ex.HttpStatus);
        Assert.Equal(WhatsAppErrorKind.Unknown, ex.Kind);
        Assert.Null(ex.Code);
        Assert.Contains("502 Bad Gateway", ex.MetaMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_body_without_error_data_leaves_details_empty()
    {
        _stub.Status = HttpStatusCode.Unauthorized;
        _stub.ResponseJson = """{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"fbtrace_id":"X1"}}""";

        var ex = await Assert.ThrowsAsync<WhatsAppApiException>(
            () => _host.Client.GetCallingSettingsAsync(GraphClientHost.PhoneNumberId));

        Assert.Equal(WhatsAppErrorKind.AccessTokenInvalid, ex.Kind);
        Assert.Null(ex.Details);
        Assert.Null(ex.Subcode);
        Assert.False(ex.IsRetryable);
    }

    [Theory]
    [InlineData(GraphAction.Connect, 429, true)]
    [InlineData(GraphAction.Connect, 503, true)]
    [InlineData(GraphAction.Connect, 500, false)]
    [InlineData(GraphAction.Connect, 502, false)]
    [InlineData(GraphAction.Connect, 504, false)]
    [InlineData(GraphAction.Connect, 400, false)]
    [InlineData(GraphAction.Terminate, 500, true)]
    [InlineData(GraphAction.Terminate, 504, true)]
    [InlineData(GraphAction.Terminate, 401, false)]
    [InlineData(GraphAction.SendCallPermissionRequest, 500, false)]
    [InlineData(GraphAction.GetCallPermissions, 429, true)]
    public void IsRetryable_follows_the_retry_rules(GraphAction action, int status, bool retryable)
    {
        var ex = new WhatsAppApiException(action, (HttpStatusCode)status, "m");
        Assert.Equal(retryable, ex.IsRetryable);
    }
}
