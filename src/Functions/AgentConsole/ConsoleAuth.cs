using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Http;

namespace Serverless.Functions.AgentConsole;

/// <summary>
/// Who is calling a console route. The routes are anonymous at the Functions level (a page cannot hold a function
/// key) and need the principal App Service authentication passes in, with the agent role. Function keys open none
/// of them, and a principal opens no key-protected route (the host still asks those for a key): least privilege
/// both ways.
/// </summary>
public sealed partial class ConsoleAuth
{
    private readonly bool _trusted;
    private readonly string _role;
    private readonly ILogger<ConsoleAuth> _logger;

    public ConsoleAuth(IConfiguration configuration, IOptions<ConsoleOptions> options, ILogger<ConsoleAuth> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        _trusted = CallbackServiceCollectionExtensions.IsDevelopment(configuration)
            || string.Equals(configuration[ConsoleOptions.AppServiceAuthSetting], "true", StringComparison.OrdinalIgnoreCase);
        _role = options.Value.AgentRole;
        _logger = logger;
    }

    /// <summary>The signed-in agent, or the problem to answer (401 not signed in, 403 not an agent).</summary>
    public bool TryAuthenticate(HttpRequest request, out ClientPrincipal agent, out IActionResult problem) =>
        TryAuthenticate(request, _role, ConsoleProblemTypes.NotAnAgent, "You are signed in but not an agent.", out agent, out problem);

    /// <summary>
    /// The signed-in user holding app role <paramref name="role"/> (the same sign-in for the other signed-in pages,
    /// e.g. the dashboard), or the problem to answer: 401 not signed in, 403 <paramref name="forbiddenType"/>.
    /// </summary>
    public bool TryAuthenticate(HttpRequest request, string role, string forbiddenType, string forbiddenTitle, out ClientPrincipal agent, out IActionResult problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(role);
        agent = null!;
        problem = null!;
        if (!_trusted)
        {
            // Without App Service authentication anyone could send the header: refuse rather than believe it.
            LogUntrusted();
            problem = Problems.Create(StatusCodes.Status401Unauthorized, ConsoleProblemTypes.SignInRequired, "Sign-in is not available.",
                $"The console needs App Service authentication ({ConsoleOptions.AppServiceAuthSetting}=true) in front of the Functions.");
            return false;
        }

        if (ClientPrincipal.Parse(request.Headers[ClientPrincipal.HeaderName].FirstOrDefault()) is not { } principal)
        {
            problem = Problems.Create(StatusCodes.Status401Unauthorized, ConsoleProblemTypes.SignInRequired, "Sign in to use the console.",
                "No signed-in user: open /.auth/login/aad.");
            return false;
        }

        if (!principal.Roles.Contains(role))
        {
            LogMissingRole(principal.Id, role);
            problem = Problems.Create(StatusCodes.Status403Forbidden, forbiddenType, forbiddenTitle, $"This needs the app role '{role}'.");
            return false;
        }

        agent = principal;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console request refused: App Service authentication is off, so X-MS-CLIENT-PRINCIPAL is not trusted")]
    private partial void LogUntrusted();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signed-in request refused: principal {PrincipalId} lacks the app role {Role}")]
    private partial void LogMissingRole(string principalId, string role);
}

/// <summary>The console's problem types (same base URI as the rest of the API).</summary>
public static class ConsoleProblemTypes
{
    public const string SignInRequired = ProblemTypes.BaseUri + "sign-in-required";
    public const string NotAnAgent = ProblemTypes.BaseUri + "not-an-agent";
    public const string CallTaken = ProblemTypes.BaseUri + "call-taken";
    public const string NotRinging = ProblemTypes.BaseUri + "not-ringing";
    public const string NotYourCall = ProblemTypes.BaseUri + "not-your-call";
}
