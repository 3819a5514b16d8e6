using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Serverless.Testing.WhatsAppSimulator.Graph;

/// <summary>The checks every Graph request passes first: bearer token, version segment, known phone number id.</summary>
internal sealed partial class GraphGate(SimulatorOptions options)
{
    /// <summary>Returns the business number, or Meta's error for the first failing check.</summary>
    public GraphError? Check(HttpContext context, string version, string phoneNumberId, out BusinessPhoneNumber? business)
    {
        business = null;
        if (!string.Equals(PresentedToken(context), options.AccessToken, StringComparison.Ordinal))
        {
            return GraphErrors.InvalidAccessToken();
        }

        if (!VersionPattern().IsMatch(version))
        {
            return GraphErrors.UnknownPath(version);
        }

        business = options.PhoneNumbers.FirstOrDefault(p => p.PhoneNumberId == phoneNumberId);
        return business is null ? GraphErrors.UnknownObject(context.Request.Method, phoneNumberId) : null;
    }

    // Graph takes the token as "Authorization: Bearer <token>" or, as every Graph endpoint does, ?access_token=.
    private static string? PresentedToken(HttpContext context)
    {
        const string Bearer = "Bearer ";
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            return authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? authorization[Bearer.Length..].Trim() : null;
        }

        var query = context.Request.Query["access_token"].ToString();
        return query.Length > 0 ? query : null;
    }

    [GeneratedRegex(@"^v\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
