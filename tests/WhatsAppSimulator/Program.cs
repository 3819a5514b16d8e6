using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Testing.WhatsAppSimulator;
using Serverless.Testing.WhatsAppSimulator.Phone;

// Console host: dotnet run --project tests/WhatsAppSimulator -- --port 5055 --webhook-url http://127.0.0.1:7071/api/webhook --app-secret s3cret
var options = new SimulatorOptions
{
    Port = 5055,
    // A readable timeline: Graph requests, webhook attempts and call phases; framework noise only from warnings up.
    ConfigureLogging = l => l
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        })
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning),
};
var phone = "sdp";
double? phoneTone = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var value = args[i + 1];
    switch (args[i])
    {
        case "--port":
            options.Port = int.Parse(value, CultureInfo.InvariantCulture);
            break;
        case "--webhook-url":
            options.WebhookUrl = new Uri(value);
            break;
        case "--app-secret":
            options.AppSecret = value;
            break;
        case "--access-token":
            options.AccessToken = value;
            break;
        case "--phone-number-id":
            options.PhoneNumbers[0] = options.PhoneNumbers[0] with { PhoneNumberId = value };
            break;
        case "--phone":
            // sdp: signalling only; webrtc: our peer on 127.0.0.1 with real media (ICE-lite, setup:active).
            phone = value;
            break;
        case "--phone-tone":
            phoneTone = double.Parse(value, CultureInfo.InvariantCulture);
            break;
        default:
            await Console.Error.WriteLineAsync($"Unknown option {args[i]}");
            return 2;
    }
}

using var webRtcPhones = phone == "webrtc" ? await WebRtcPhoneFactory.CreateAsync() : null;
if (webRtcPhones is not null)
{
    webRtcPhones.DefaultScript = phoneTone is { } hz ? PhoneScript.Tone(hz) : PhoneScript.Silent;
    options.PhoneFactory = webRtcPhones;
}
else if (phone != "sdp")
{
    await Console.Error.WriteLineAsync("--phone is sdp or webrtc");
    return 2;
}

await using var simulator = await WhatsAppSimulator.StartAsync(options);
Console.WriteLine($"WhatsApp Cloud API simulator on {simulator.BaseAddress} (phone number id {simulator.DefaultNumber.PhoneNumberId}); control API under /_sim. Ctrl+C stops.");
// The host's console lifetime turns Ctrl+C and SIGTERM into a graceful stop.
await simulator.WaitForShutdownAsync();
return 0;
