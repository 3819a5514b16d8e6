using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Shared.Tests.WhatsApp.Webhooks;

internal static class ParseAssert
{
    public static WebhookBatch Parses(string json)
    {
        var ok = WebhookParser.TryParse(WebhookPayloads.Utf8(json), out var batch, out var error);
        Assert.True(ok, $"expected a batch, got {error}");
        Assert.NotNull(batch);
        Assert.Null(error);
        return batch;
    }

    public static T Single<T>(string json)
        where T : WebhookEvent
    {
        var batch = Parses(json);
        Assert.Empty(batch.Skipped);
        return Assert.IsType<T>(Assert.Single(batch.Events));
    }

    public static WebhookParseError Fails(ReadOnlySpan<byte> body, WebhookParseErrorKind kind, WebhookParserLimits? limits = null)
    {
        var ok = WebhookParser.TryParse(body, limits ?? WebhookParserLimits.Default, out var batch, out var error);
        Assert.False(ok);
        Assert.Null(batch);
        Assert.NotNull(error);
        Assert.Equal(kind, error.Kind);
        return error;
    }
}
