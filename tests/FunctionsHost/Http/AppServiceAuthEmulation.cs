using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Serverless.Testing.FunctionsHost.Http;

/// <summary>A named development user the emulation can sign in (Entra object id, display name, app roles).</summary>
public sealed record DevelopmentUser(string Id, string Name, IReadOnlyList<string> Roles);

/// <summary>
/// Plays App Service authentication in front of the Functions, for local runs and tests only: it strips any
/// <c>X-MS-CLIENT-PRINCIPAL*</c> header a client sends (as App Service does), signs a named development user in at
/// <c>/.auth/login/dev?user=NAME</c> (or the default user at <c>/.auth/login/aad</c>, the page's sign-in link) with a
/// random session cookie, and sets the header, in App Service's shape, on that session's requests.
/// The host refuses to start with it unless <c>AZURE_FUNCTIONS_ENVIRONMENT</c> is Development.
/// </summary>
public sealed class AppServiceAuthEmulation
{
    public const string CookieName = "AppServiceAuthSession";

    private readonly ConcurrentDictionary<string, DevelopmentUser> _sessions = new(StringComparer.Ordinal);

    /// <summary>The users that can sign in, by <see cref="DevelopmentUser.Name"/>.</summary>
    public IReadOnlyList<DevelopmentUser> Users { get; init; } = [];

    /// <summary>The user <c>/.auth/login/aad</c> signs in (the local run's one named development user); null: none.</summary>
    public string? DefaultUser { get; init; }

    internal void Use(WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            foreach (var header in http.Request.Headers.Keys.Where(k => k.StartsWith("X-MS-CLIENT-PRINCIPAL", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                http.Request.Headers.Remove(header);
            }

            var path = http.Request.Path.Value ?? "";
            if (path.StartsWith("/.auth/", StringComparison.OrdinalIgnoreCase))
            {
                await HandleAuthAsync(http, path);
                return;
            }

            if (http.Request.Cookies.TryGetValue(CookieName, out var session) && _sessions.TryGetValue(session, out var user))
            {
                http.Request.Headers["X-MS-CLIENT-PRINCIPAL"] = Encode(user);
                http.Request.Headers["X-MS-CLIENT-PRINCIPAL-ID"] = user.Id;
                http.Request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"] = user.Name;
                http.Request.Headers["X-MS-CLIENT-PRINCIPAL-IDP"] = "aad";
            }

            await next(http);
        });
    }

    private Task HandleAuthAsync(HttpContext http, string path)
    {
        if (path.Equals("/.auth/logout", StringComparison.OrdinalIgnoreCase))
        {
            if (http.Request.Cookies.TryGetValue(CookieName, out var old))
            {
                _sessions.TryRemove(old, out _);
            }

            http.Response.Cookies.Delete(CookieName);
            return Redirect(http);
        }

        var name = path.Equals("/.auth/login/dev", StringComparison.OrdinalIgnoreCase) ? http.Request.Query["user"].ToString()
            : path.Equals("/.auth/login/aad", StringComparison.OrdinalIgnoreCase) ? DefaultUser
            : null;
        if (Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal)) is not { } user)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return http.Response.WriteAsync("No such development user.");
        }

        var session = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        _sessions[session] = user;
        http.Response.Cookies.Append(CookieName, session, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
        return Redirect(http);
    }

    private static Task Redirect(HttpContext http)
    {
        // Only a local path, as App Service allows only its own redirect URLs.
        var target = http.Request.Query["post_login_redirect_uri"].ToString();
        if (!target.StartsWith('/') || target.StartsWith("//", StringComparison.Ordinal))
        {
            target = "/";
        }

        http.Response.Redirect(target);
        return Task.CompletedTask;
    }

    /// <summary>App Service's header shape for an Entra user (see the Functions' ClientPrincipal).</summary>
    public static string Encode(DevelopmentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<object>
        {
            new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = user.Id },
            new { typ = "name", val = user.Name },
        };
        claims.AddRange(user.Roles.Select(r => new { typ = "roles", val = r }));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { auth_typ = "aad", claims, name_typ = "name", role_typ = "roles" })));
    }
}
