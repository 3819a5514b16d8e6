using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.AgentConsole;

/// <summary>
/// Azure Web PubSub's data-plane REST API, the two operations the console needs: send a JSON message to one user's
/// connections, and generate a client access token for a page. No .NET SDK for the service is served here, so this
/// speaks the documented REST shape (api-version 2024-01-01) with an Entra ID token of the app's identity (scope
/// <c>https://webpubsub.azure.com/.default</c>), or an access key's HS256 token (the local stand-in). Pages receive
/// <c>{"type":"message","from":"server","dataType":"json","data":…}</c> over <c>json.webpubsub.azure.v1</c>.
/// </summary>
public sealed partial class WebPubSubPublisher(
    HttpClient http, IOptions<ConsoleOptions> options, TokenCredential credential, TimeProvider time, ILogger<WebPubSubPublisher> logger)
{
    public const string HttpClientName = "webpubsub";
    private const string ApiVersion = "2024-01-01";
    private static readonly string[] Scopes = ["https://webpubsub.azure.com/.default"];

    private WebPubSubOptions Options => options.Value.WebPubSub;

    /// <summary>Whether a service is configured (else pages only poll).</summary>
    public bool Enabled => Options.Endpoint is not null;

    /// <summary>Sends <paramref name="message"/> to every connection of <paramref name="userId"/>. Failures are logged: pages also poll.</summary>
    public async Task SendToUserAsync(string userId, object message, CancellationToken cancellationToken)
    {
        if (Options.Endpoint is not { } endpoint)
        {
            return;
        }

        var url = new Uri(endpoint, $"api/hubs/{Options.Hub}/users/{Uri.EscapeDataString(userId)}/:send?api-version={ApiVersion}");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(message) };
            request.Headers.Authorization = new("Bearer", await TokenAsync(url, cancellationToken));
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogSendFailed((int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Azure.Identity.AuthenticationFailedException)
        {
            LogSendError(ex);
        }
    }

    /// <summary>The WebSocket URL (with a fresh client access token) a page connects to as <paramref name="userId"/>; null without a service.</summary>
    public async Task<Uri?> ClientUrlAsync(string userId, CancellationToken cancellationToken)
    {
        if (Options.Endpoint is not { } endpoint)
        {
            return null;
        }

        var minutes = (int)Math.Max(1, Options.ClientTokenLifetime.TotalMinutes);
        var url = new Uri(endpoint, $"api/hubs/{Options.Hub}/:generateToken?api-version={ApiVersion}&userId={Uri.EscapeDataString(userId)}&minutesToExpire={minutes}");
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Authorization = new("Bearer", await TokenAsync(url, cancellationToken));
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var token = body.RootElement.GetProperty("token").GetString() ?? throw new InvalidOperationException("Web PubSub returned no token.");
        var scheme = endpoint.Scheme == "https" ? "wss" : "ws";
        return new Uri($"{scheme}://{endpoint.Authority}/client/hubs/{Options.Hub}?access_token={Uri.EscapeDataString(token)}");
    }

    private async Task<string> TokenAsync(Uri url, CancellationToken cancellationToken)
    {
        if (Options.AccessKey is { Length: > 0 } key)
        {
            // The service's access-key tokens: HS256, audience the request URL without its query.
            return Hs256(new Dictionary<string, object>
            {
                ["aud"] = url.GetLeftPart(UriPartial.Path),
                ["exp"] = time.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds(),
            }, key);
        }

        var token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), cancellationToken);
        return token.Token;
    }

    /// <summary>An HS256 JWT over <paramref name="claims"/> (the stand-in signs client tokens the same way).</summary>
    public static string Hs256(IReadOnlyDictionary<string, object> claims, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var head = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var body = B64(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(head + "." + body));
        return head + "." + body + "." + B64(signature);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Web PubSub refused a console message with {Status}; pages catch up by polling")]
    private partial void LogSendFailed(int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Web PubSub could not be reached for a console message; pages catch up by polling")]
    private partial void LogSendError(Exception ex);
}
