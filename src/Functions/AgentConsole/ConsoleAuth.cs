using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Serverless.Functions.Http;
using Serverless.Functions.SignIn;

namespace Serverless.Functions.AgentConsole;

/// <summary>
/// Who is calling a console route: a signed-in user (<see cref="SignedInUsers"/>) with the agent role
/// (<see cref="ConsoleOptions.AgentRole"/>).
/// </summary>
public sealed class ConsoleAuth(SignedInUsers users, IOptions<ConsoleOptions> options)
{
    /// <summary>The signed-in agent, or the problem to answer (401 not signed in, 403 not an agent).</summary>
    public bool TryAuthenticate(HttpRequest request, out ClientPrincipal agent, out IActionResult problem) =>
        users.TryAuthenticate(request, options.Value.AgentRole, ConsoleProblemTypes.NotAnAgent, "You are signed in but not an agent.", out agent, out problem);
}

/// <summary>The console's problem types (same base URI as the rest of the API).</summary>
public static class ConsoleProblemTypes
{
    public const string NotAnAgent = ProblemTypes.BaseUri + "not-an-agent";
    public const string CallTaken = ProblemTypes.BaseUri + "call-taken";
    public const string NotRinging = ProblemTypes.BaseUri + "not-ringing";
    public const string NotYourCall = ProblemTypes.BaseUri + "not-your-call";
}
