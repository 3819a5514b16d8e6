using System.Net;
using Serverless.Functions.Tests.App;

namespace Serverless.Functions.Tests.Api;

public sealed class PhoneNumbersApiTests
{
    [Fact]
    public async Task Lists_the_configured_numbers_default_first_and_needs_a_key()
    {
        await using var app = await CallingApp.StartAsync(
            s =>
            {
                // The default listed second in configuration still comes first.
                s["Meta:PhoneNumberIds:0"] = CallingApp.OtherPhoneNumberId;
                s["Meta:PhoneNumberIds:1"] = CallingApp.PhoneNumberId;
            },
            runNode: false);

        using var response = await app.Client.GetAsync(new Uri("api/phone-numbers", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var numbers = (await CallingApp.ReadJsonAsync(response)).GetProperty("phoneNumbers").EnumerateArray()
            .Select(n => (n.GetProperty("id").GetString(), n.GetProperty("isDefault").GetBoolean(), n.GetProperty("displayName").GetString()))
            .ToList();
        Assert.Equal(
            [(CallingApp.PhoneNumberId, true, CallingApp.PhoneNumberId + " (default)"), (CallingApp.OtherPhoneNumberId, false, CallingApp.OtherPhoneNumberId)],
            numbers);

        using var anonymous = await app.Anonymous.GetAsync(new Uri("api/phone-numbers", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
