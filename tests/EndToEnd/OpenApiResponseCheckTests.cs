using Serverless.Testing.LocalRun;

namespace Serverless.Testing.EndToEnd;

/// <summary>The check every end-to-end response passes through really refuses what the document does not describe.</summary>
public sealed class OpenApiResponseCheckTests
{
    private const string Call = """
        {"id":"call_1","direction":"outbound","state":"ringing","outcome":null,"from":"1","to":"+1","wacid":null,
         "createdAt":"2026-12-07T10:00:00+00:00","updatedAt":"2026-12-07T10:00:00+00:00","metadata":{}}
        """;

    [Fact]
    public void ADocumentedCall_Passes() =>
        Assert.Empty(OpenApiResponseCheck.Check("GET", "/api/calls/call_1", 200, Call)!);

    [Theory]
    [InlineData("\"id\":\"call_1\"", "\"id\":null", "null where the document does not allow null")]
    [InlineData("\"metadata\":{}", "\"metadata\":{},\"surprise\":1", "member 'surprise' is not in the document")]
    [InlineData("\"id\":\"call_1\",", "", "required member 'id' is missing")]
    [InlineData("\"createdAt\":\"2026-12-07T10:00:00+00:00\"", "\"createdAt\":42", "expected a string")]
    [InlineData("\"metadata\":{}", "\"metadata\":{\"k\":1}", "$.metadata.k: expected a string")]
    public void AnUndocumentedShape_IsNamed(string from, string to, string expected)
    {
        var errors = OpenApiResponseCheck.Check("GET", "/api/calls/call_1", 200, Call.Replace(from, to, StringComparison.Ordinal));
        Assert.Contains(errors!, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AnUndeclaredStatus_IsNamed() =>
        Assert.Contains(OpenApiResponseCheck.Check("GET", "/api/calls/call_1", 418, "{}")!, e => e.Contains("418", StringComparison.Ordinal));

    [Fact]
    public void AListPage_IsCheckedThroughItsReferences()
    {
        var errors = OpenApiResponseCheck.Check("GET", "/api/calls", 200, "{\"calls\":[" + Call.Replace("\"from\":\"1\"", "\"from\":7", StringComparison.Ordinal) + "],\"continuationToken\":null}");
        Assert.Contains(errors!, e => e.StartsWith("$.calls[0].from", StringComparison.Ordinal));
    }
}
