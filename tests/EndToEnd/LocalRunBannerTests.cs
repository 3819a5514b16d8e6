using System.Net;
using System.Text.RegularExpressions;
using Serverless.Testing.LocalRun;

namespace Serverless.Testing.EndToEnd;

/// <summary>
/// With keys enforced (<c>run-local.sh --keys</c>) the banner's "Next dial" curl carries the host key and dials the
/// simulator's user who has call permission: pasted as printed, it places a call; without its key it is refused.
/// </summary>
public sealed partial class LocalRunBannerTests
{
    [Fact]
    public async Task With_keys_on_the_printed_curl_dials_as_printed_and_the_key_is_what_lets_it_in()
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions { EnforceKeys = true });
        product.Simulator.Permissions.Grant(LocalRunConsole.DemoUser);

        var curl = LocalRunConsole.DialCurl(product, keys: true);
        var parsed = CurlLine().Match(curl);
        Assert.True(parsed.Success, curl);
        Assert.Equal(product.Functions.Keys.DefaultHostKey, parsed.Groups["key"].Value);
        Assert.Contains("+" + LocalRunConsole.DemoUser, parsed.Groups["body"].Value, StringComparison.Ordinal);

        using var http = new HttpClient();
        using var pasted = new HttpRequestMessage(HttpMethod.Post, parsed.Groups["url"].Value) { Content = new StringContent(parsed.Groups["body"].Value) };
        pasted.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        pasted.Headers.Add("x-functions-key", parsed.Groups["key"].Value);
        using var dialled = await http.SendAsync(pasted);
        using var keyless = await http.PostAsync(new Uri(parsed.Groups["url"].Value), new StringContent(parsed.Groups["body"].Value, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, dialled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, keyless.StatusCode);
    }

    [GeneratedRegex(@"^curl -s -X POST (?<url>\S+) -H 'content-type: application/json' -H 'x-functions-key: (?<key>[^']+)' -d '(?<body>[^']+)'$")]
    private static partial Regex CurlLine();
}
