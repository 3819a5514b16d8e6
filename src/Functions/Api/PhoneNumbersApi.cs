using System.ComponentModel;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Serverless.Functions.Graph;

namespace Serverless.Functions.Api;

/// <summary>
/// <c>GET /api/phone-numbers</c>: the business numbers this deployment serves (<c>Meta:PhoneNumberIds</c>), the only
/// values <c>from</c> and <c>phoneNumberId</c> accept. The Power Automate connector lists them as the choices of those fields.
/// </summary>
public sealed class PhoneNumbersApi(IOptions<MetaOptions> meta)
{
    public const string FunctionName = "ListPhoneNumbers";

    [Function(FunctionName)]
    public IActionResult List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "phone-numbers")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new OkObjectResult(PhoneNumberListResource.Of(meta.Value));
    }
}

/// <summary>The configured business numbers, the default first.</summary>
[Description("The business phone numbers this deployment serves.")]
public sealed record PhoneNumberListResource
{
    [Description("Every business phone number this deployment serves, the default first.")]
    public required IReadOnlyList<PhoneNumberResource> PhoneNumbers { get; init; }

    public static PhoneNumberListResource Of(MetaOptions meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        return new PhoneNumberListResource
        {
            PhoneNumbers = [.. meta.PhoneNumberIds
                .Distinct(StringComparer.Ordinal)
                .OrderBy(id => id == meta.DefaultPhoneNumberId ? 0 : 1)
                .Select(id => new PhoneNumberResource
                {
                    Id = id,
                    IsDefault = id == meta.DefaultPhoneNumberId,
                    DisplayName = id == meta.DefaultPhoneNumberId ? id + " (default)" : id,
                })],
        };
    }
}

/// <summary>One business number.</summary>
[Description("A business phone number this deployment serves.")]
public sealed record PhoneNumberResource
{
    [Description("Meta's phone number id: the value of from and phoneNumberId.")]
    public required string Id { get; init; }

    [Description("Whether requests that name no number use this one.")]
    public required bool IsDefault { get; init; }

    [Description("The id, marked (default) for the default number: what a picker shows.")]
    public required string DisplayName { get; init; }
}
