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
        var authorization = context.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (!authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(authorization[Bearer.Length..].Trim(), options.AccessToken, StringComparison.Ordinal))
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

    [GeneratedRegex(@"^v\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
