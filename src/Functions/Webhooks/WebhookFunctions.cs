using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Graph;
using Serverless.Functions.Http;
using Serverless.Shared.Security;
using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Functions.Webhooks;

/// <summary>
/// Meta's webhook (anonymous at the host: Meta sends no function key). GET is the subscription handshake; POST
/// deliveries are authenticated by X-Hub-Signature-256 over the raw body before anything else looks at them.
/// </summary>
public sealed partial class WebhookFunctions(
    WebhookDispatcher dispatcher,
    IOptions<MetaOptions> meta,
    ILogger<WebhookFunctions> logger)
{
    [Function("VerifyWebhook")]
    public IActionResult Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhook")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = WebhookVerification.Verify(
            request.Query["hub.mode"].FirstOrDefault(),
            request.Query["hub.verify_token"].FirstOrDefault(),
            request.Query["hub.challenge"].FirstOrDefault(),
            meta.Value.VerifyToken);
        switch (result)
        {
            case VerificationAccepted accepted:
                return new ContentResult { StatusCode = StatusCodes.Status200OK, Content = accepted.Challenge, ContentType = "text/plain" };
            case VerificationForbidden forbidden:
                LogVerificationRefused(forbidden.Reason);
                return new StatusCodeResult(StatusCodes.Status403Forbidden);
            default:
                throw new InvalidOperationException("Unknown verification result.");
        }
    }

    [Function("ReceiveWebhook")]
    public async Task<IActionResult> ReceiveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhook")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limit = meta.Value.MaxWebhookBodyBytes;
        var body = await BodyReader.ReadAsync(request, limit, cancellationToken);
        if (body is null)
        {
            LogTooLarge(limit);
            return Problems.TooLarge(limit);
        }

        // Authenticity first (meta-calling-api.md §2e): nothing is parsed or stored for an unsigned body.
        var check = new HmacSha256Signature(meta.Value.AppSecret).Verify(body, request.Headers[HmacSha256Signature.HeaderName].FirstOrDefault());
        if (check != SignatureCheck.Valid)
        {
            LogBadSignature(check);
            return new UnauthorizedResult();
        }

        if (!WebhookParser.TryParse(body, out var batch, out var error))
        {
            LogUnparsable(error.Kind);
            return Problems.InvalidJson(error.Message);
        }

        await dispatcher.DispatchAsync(batch, cancellationToken);
        return new OkResult();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook verification refused: {Reason}")]
    private partial void LogVerificationRefused(VerificationFailure reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook body over {Limit} bytes refused")]
    private partial void LogTooLarge(int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook refused: signature {Check}")]
    private partial void LogBadSignature(SignatureCheck check);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook body refused: {Kind}")]
    private partial void LogUnparsable(WebhookParseErrorKind kind);
}
