using System.Net;
using System.Net.Http.Json;
using Serverless.Functions.AgentConsole;
using Serverless.Functions.Tests.App;
using Serverless.Testing.FunctionsHost;
using Serverless.Testing.FunctionsHost.Http;
using Serverless.Functions.SignIn;

namespace Serverless.Functions.Tests.AgentConsole;

/// <summary>
/// Sign-in for the console: the principal App Service passes in, the agent role, trust only behind App Service
/// authentication (or in Development), least privilege between principals and function keys, and the test host's
/// development-user emulation that cannot be switched on outside Development.
/// </summary>
public sealed class ConsoleSignInTests
{
    internal const string AgentRole = "CallAgent";

    internal static HttpRequestMessage AsPrincipal(HttpMethod method, string path, string principal, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.Add(ClientPrincipal.HeaderName, principal);
        return request;
    }

    [Fact]
    public async Task An_agent_principal_is_signed_in_and_a_missing_or_broken_one_is_401()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        using (var ok = await app.Anonymous.SendAsync(AsPrincipal(HttpMethod.Get, "api/console/me", ClientPrincipal.Encode("oid-alice", "Alice", AgentRole))))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var me = await CallingApp.ReadJsonAsync(ok);
            Assert.Equal("oid-alice", me.GetProperty("id").GetString());
            Assert.Equal("Alice", me.GetProperty("name").GetString());
        }

        using (var none = await app.Anonymous.GetAsync(new Uri("api/console/me", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
            Assert.Equal(SignedInUsers.SignInRequired, (await CallingApp.ReadJsonAsync(none)).GetProperty("type").GetString());
        }

        using var broken = await app.Anonymous.SendAsync(AsPrincipal(HttpMethod.Get, "api/console/me", "not base64 json!"));
        Assert.Equal(HttpStatusCode.Unauthorized, broken.StatusCode);
    }

    [Fact]
    public async Task A_signed_in_user_without_the_agent_role_is_403()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        using var response = await app.Anonymous.SendAsync(AsPrincipal(HttpMethod.Get, "api/console/me", ClientPrincipal.Encode("oid-bob", "Bob", "Reader")));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ConsoleProblemTypes.NotAnAgent, (await CallingApp.ReadJsonAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Keys_open_no_console_route_and_an_agent_opens_no_key_or_admin_route()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        // The integration key (host key) is not a principal.
        using (var keyOnly = await app.Client.GetAsync(new Uri("api/console/me", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, keyOnly.StatusCode);
        }

        var agent = ClientPrincipal.Encode("oid-alice", "Alice", AgentRole);
        using (var dial = await app.Anonymous.SendAsync(AsPrincipal(HttpMethod.Post, "api/calls", agent, JsonContent.Create(new { to = "+" + CallingApp.User }))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, dial.StatusCode);
        }

        using (var admin = await app.Anonymous.SendAsync(AsPrincipal(HttpMethod.Put, "api/settings/calling", agent, JsonContent.Create(new { status = "DISABLED" }))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
        }

        using var erase = await app.Anonymous.SendAsync(AsPrincipal(HttpMethod.Delete, "api/users/" + CallingApp.User, agent));
        Assert.Equal(HttpStatusCode.Unauthorized, erase.StatusCode);
        Assert.Empty(app.Graph.Requests);
    }

    [Fact]
    public async Task Outside_development_the_header_is_believed_only_behind_app_service_authentication()
    {
        static void Production(Dictionary<string, string?> s)
        {
            s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
            s["Callbacks:AllowLoopback"] = "false";
        }

        var agent = ClientPrincipal.Encode("oid-alice", "Alice", AgentRole);
        await using (var off = await CallingApp.StartAsync(Production, runNode: false))
        {
            using var forged = await off.Anonymous.SendAsync(AsPrincipal(HttpMethod.Get, "api/console/me", agent));
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        await using var on = await CallingApp.StartAsync(s =>
        {
            Production(s);
            s[SignedInUsers.AppServiceAuthSetting] = "True";
        }, runNode: false);
        using var passed = await on.Anonymous.SendAsync(AsPrincipal(HttpMethod.Get, "api/console/me", agent));
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
    }

    [Fact]
    public async Task The_development_user_emulation_refuses_to_start_outside_development()
    {
        var emulation = new AppServiceAuthEmulation { Users = [new DevelopmentUser("oid-dev", "dev", [AgentRole])], DefaultUser = "dev" };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CallingApp.StartAsync(s =>
        {
            s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
            s["Callbacks:AllowLoopback"] = "false";
        }, runNode: false, appServiceAuth: emulation));
        Assert.Contains("Development", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_emulation_signs_in_a_named_development_user_and_strips_a_forged_header()
    {
        var emulation = new AppServiceAuthEmulation
        {
            Users = [new DevelopmentUser("oid-dev", "dev", [AgentRole]), new DevelopmentUser("oid-b", "agent-b", [AgentRole])],
            DefaultUser = "dev",
        };
        await using var app = await CallingApp.StartAsync(runNode: false, appServiceAuth: emulation);
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = app.Host.BaseAddress };

        // A client's own header is removed, as App Service does: a forged principal is nobody.
        using (var forged = await browser.SendAsync(AsPrincipal(HttpMethod.Get, "api/console/me", ClientPrincipal.Encode("oid-alice", "Alice", AgentRole))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        using (var unknown = await browser.GetAsync(new Uri(".auth/login/dev?user=mallory", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        using (var login = await browser.GetAsync(new Uri(".auth/login/dev?user=agent-b&post_login_redirect_uri=/api/console/me", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Equal("oid-b", (await CallingApp.ReadJsonAsync(login)).GetProperty("id").GetString());
        }

        using var fresh = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = app.Host.BaseAddress };
        using var aad = await fresh.GetAsync(new Uri(".auth/login/aad?post_login_redirect_uri=/api/console/me", UriKind.Relative));
        Assert.Equal("oid-dev", (await CallingApp.ReadJsonAsync(aad)).GetProperty("id").GetString());
    }
}
