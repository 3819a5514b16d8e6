using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Http;

namespace Serverless.Functions.SignIn;

/// <summary>
/// Who is calling a signed-in page's route (the agent console, the dashboard). Those routes are anonymous at the
/// Functions level (a page cannot hold a function key) and need the principal App Service authentication passes in,
/// with the page's app role. Function keys open none of them, and a principal opens no key-protected route (the host
/// still asks those for a key): least privilege both ways.
/// </summary>
public sealed partial class SignedInUsers
{
    /// <summary>App Service sets this when its authentication runs in front of the app; only then is the header believed.</summary>
    public const string AppServiceAuthSetting = "WEBSITE_AUTH_ENABLED";

    /// <summary>Problem type: nobody is signed in (or sign-in is not available).</summary>
    public const string SignInRequired = ProblemTypes.BaseUri + "sign-in-required";

    private readonly bool _trusted;
    private readonly ILogger<SignedInUsers> _logger;

    public SignedInUsers(IConfiguration configuration, ILogger<SignedInUsers> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _trusted = CallbackServiceCollectionExtensions.IsDevelopment(configuration)
            || string.Equals(configuration[AppServiceAuthSetting], "true", StringComparison.OrdinalIgnoreCase);
        _logger = logger;
    }

    /// <summary>
    /// The signed-in user holding app role <paramref name="role"/>, or the problem to answer: 401 not signed in,
    /// 403 <paramref name="forbiddenType"/>.
    /// </summary>
    public bool TryAuthenticate(HttpRequest request, string role, string forbiddenType, string forbiddenTitle, out ClientPrincipal user, out IActionResult problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(role);
        user = null!;
        problem = null!;
        if (!_trusted)
        {
            // Without App Service authentication anyone could send the header: refuse rather than believe it.
            LogUntrusted();
            problem = Problems.Create(StatusCodes.Status401Unauthorized, SignInRequired, "Sign-in is not available.",
                $"Signed-in pages need App Service authentication ({AppServiceAuthSetting}=true) in front of the Functions.");
            return false;
        }

        if (ClientPrincipal.Parse(request.Headers[ClientPrincipal.HeaderName].FirstOrDefault()) is not { } principal)
        {
            problem = Problems.Create(StatusCodes.Status401Unauthorized, SignInRequired, "Sign in to use this page.",
                "No signed-in user: open /.auth/login/aad.");
            return false;
        }

        if (!principal.Roles.Contains(role))
        {
            LogMissingRole(principal.Id, role);
            problem = Problems.Create(StatusCodes.Status403Forbidden, forbiddenType, forbiddenTitle, $"This needs the app role '{role}'.");
            return false;
        }

        user = principal;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signed-in request refused: App Service authentication is off, so X-MS-CLIENT-PRINCIPAL is not trusted")]
    private partial void LogUntrusted();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signed-in request refused: principal {PrincipalId} lacks the app role {Role}")]
    private partial void LogMissingRole(string principalId, string role);
}
