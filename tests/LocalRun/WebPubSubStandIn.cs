using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Testing.LocalRun;

/// <summary>
/// A local stand-in for Azure Web PubSub on 127.0.0.1, speaking the subset the console uses, in the service's own
/// shapes, so the Functions and the page run unchanged against it:
/// REST <c>POST /api/hubs/{hub}/users/{userId}/:send</c> and <c>POST /api/hubs/{hub}/:generateToken?userId=&amp;minutesToExpire=</c>
/// (Bearer: an HS256 token signed with the access key, audience the request URL without query, as the service's
/// access keys); client WebSockets at <c>/client/hubs/{hub}?access_token=</c> with subprotocol
/// <c>json.webpubsub.azure.v1</c>: the <c>connected</c> system message, then server messages as
/// <c>{"type":"message","from":"server","dataType":"json","data":…}</c>. Client-sent messages (join, group send,
/// events) are not part of the subset and are ignored.
/// </summary>
public sealed class WebPubSubStandIn : IAsyncDisposable
{
    public const string Subprotocol = "json.webpubsub.azure.v1";

    private readonly WebApplication _app;
    private readonly string _key;
    private readonly ConcurrentDictionary<string, (string User, WebSocket Socket, SemaphoreSlim Gate)> _connections = new(StringComparer.Ordinal);

    private WebPubSubStandIn(WebApplication app, string key, Uri endpoint)
    {
        _app = app;
        _key = key;
        Endpoint = endpoint;
    }

    /// <summary><c>http://127.0.0.1:{port}/</c>: <c>Console:WebPubSub:Endpoint</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary><c>Console:WebPubSub:AccessKey</c>.</summary>
    public string AccessKey => _key;

    /// <summary>Messages sent to users so far (user id, JSON), for tests.</summary>
    public ConcurrentQueue<(string User, string Json)> Sent { get; } = new();

    /// <summary>Connected users now.</summary>
    public IReadOnlyCollection<string> ConnectedUsers => [.. _connections.Values.Select(c => c.User).Distinct()];

    public static async Task<WebPubSubStandIn> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebPubSubStandIn? self = null;
        app.UseWebSockets();
        app.Run(http => self!.HandleAsync(http));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        self = new WebPubSubStandIn(app, key, new Uri(address.TrimEnd('/') + "/"));
        return self;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["client", "hubs", var clientHub] && http.WebSockets.IsWebSocketRequest)
        {
            await ClientAsync(http, clientHub).ConfigureAwait(false);
            return;
        }

        if (http.Request.Method != "POST" || parts.Length < 3 || parts[0] != "api" || parts[1] != "hubs")
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var audience = $"{Endpoint.GetLeftPart(UriPartial.Authority)}{path}";
        var bearer = http.Request.Headers.Authorization.ToString();
        if (!bearer.StartsWith("Bearer ", StringComparison.Ordinal) || Verify(bearer["Bearer ".Length..], audience) is null)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var hub = parts[2];
        if (parts is [_, _, _, ":generateToken"])
        {
            var user = http.Request.Query["userId"].ToString();
            var minutes = int.TryParse(http.Request.Query["minutesToExpire"], out var m) ? m : 60;
            var token = Sign(new JsonObject
            {
                ["aud"] = $"{Endpoint.GetLeftPart(UriPartial.Authority)}/client/hubs/{hub}",
                ["sub"] = user,
                ["exp"] = DateTimeOffset.UtcNow.AddMinutes(minutes).ToUnixTimeSeconds(),
            });
            await http.Response.WriteAsJsonAsync(new { token }).ConfigureAwait(false);
            return;
        }

        if (parts is [_, _, _, "users", var userId, ":send"])
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
            JsonNode? data;
            try
            {
                data = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            var user = Uri.UnescapeDataString(userId);
            Sent.Enqueue((user, body));
            var message = new JsonObject { ["type"] = "message", ["from"] = "server", ["dataType"] = "json", ["data"] = data }.ToJsonString();
            foreach (var (id, connection) in _connections.Where(c => c.Value.User == user).ToList())
            {
                await SendAsync(id, connection.Socket, connection.Gate, message).ConfigureAwait(false);
            }

            http.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        http.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private async Task ClientAsync(HttpContext http, string hub)
    {
        var claims = Verify(http.Request.Query["access_token"].ToString(), $"{Endpoint.GetLeftPart(UriPartial.Authority)}/client/hubs/{hub}");
        if (claims?["sub"]?.GetValue<string>() is not { Length: > 0 } user)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (!http.WebSockets.WebSocketRequestedProtocols.Contains(Subprotocol))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync(Subprotocol).ConfigureAwait(false);
        var id = Guid.NewGuid().ToString("N");
        using var gate = new SemaphoreSlim(1, 1);
        _connections[id] = (user, socket, gate);
        try
        {
            await SendAsync(id, socket, gate, JsonSerializer.Serialize(new { type = "system", @event = "connected", userId = user, connectionId = id })).ConfigureAwait(false);
            var buffer = new byte[4096];
            while (socket.State == WebSocketState.Open)
            {
                var read = await socket.ReceiveAsync(buffer, http.RequestAborted).ConfigureAwait(false);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The page went away.
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    private async Task SendAsync(string id, WebSocket socket, SemaphoreSlim gate, string message)
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            _connections.TryRemove(id, out _);
        }
        finally
        {
            gate.Release();
        }
    }

    private string Sign(JsonObject claims)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var head = B64(Encoding.UTF8.GetBytes("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"));
        var body = B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return head + "." + body + "." + B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_key), Encoding.ASCII.GetBytes(head + "." + body)));
    }

    /// <summary>The token's claims when its HS256 signature, expiry and audience hold; else null.</summary>
    private JsonObject? Verify(string token, string audience)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        static byte[] Unb64(string s)
        {
            s = s.Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
        }

        try
        {
            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_key), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(expected, Unb64(parts[2])))
            {
                return null;
            }

            var claims = JsonNode.Parse(Unb64(parts[1])) as JsonObject;
            var exp = claims?["exp"]?.GetValue<long>() ?? 0;
            var aud = claims?["aud"]?.GetValue<string>();
            return exp > DateTimeOffset.UtcNow.ToUnixTimeSeconds() && string.Equals(aud?.TrimEnd('/'), audience.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
                ? claims : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, c) in _connections)
        {
            c.Socket.Abort();
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
