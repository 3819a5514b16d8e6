using Microsoft.Extensions.Logging;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.Testing.WhatsAppSimulator.Users;
using Serverless.Testing.WhatsAppSimulator.Webhooks;

namespace Serverless.Testing.WhatsAppSimulator;

/// <summary>Configuration of one simulator instance. Defaults suit tests; the console app sets them from arguments.</summary>
public sealed class SimulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The only bearer token accepted (anything else: code 190, HTTP 401).</summary>
    public string AccessToken { get; set; } = "sim-access-token";

    /// <summary>Business numbers served; other ids get code 100 subcode 33.</summary>
    public IList<BusinessPhoneNumber> PhoneNumbers { get; } = [new("106540352242922", "15550783881", "102290129340398")];

    /// <summary>App secret signing webhooks (X-Hub-Signature-256).</summary>
    public string AppSecret { get; set; } = "sim-app-secret";

    /// <summary>The product's webhook URL; null keeps deliveries in the log only.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Clock for every scripted delay and timestamp; FakeTimeProvider in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Creates the phone playing the user in each call (signalling-only by default).</summary>
    public ISimulatedPhoneFactory PhoneFactory { get; set; } = new SdpOnlyPhoneFactory();

    /// <summary>Behaviour of users without their own script.</summary>
    public SimulatedUserBehavior DefaultUserBehavior { get; set; } = new();

    /// <summary>Delay from connect to the RINGING status.</summary>
    public TimeSpan RingingAfter { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Delay from pick-up to the ACCEPTED status (Meta sends it after the connect webhook).</summary>
    public TimeSpan AcceptedStatusAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Outbound ring duration before terminate FAILED (Meta does not document it).</summary>
    public TimeSpan RingTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Inbound window to accept or reject (Meta: about 30–60 s).</summary>
    public TimeSpan InboundAnswerWindow { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Delays between webhook attempts on non-2xx; attempts = count + 1.</summary>
    public IList<TimeSpan> WebhookRetryDelays { get; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2)];

    /// <summary>call_permissions reads per second per number before 613.</summary>
    public int CallPermissionReadsPerSecond { get; set; } = 5;

    /// <summary>Shapes of call webhooks: Meta's (default) or the seed guide's flat <c>event_type</c> ones.</summary>
    public WebhookDialect WebhookDialect { get; set; } = WebhookDialect.Meta;

    /// <summary>Send Meta's <c>sent</c>/<c>delivered</c> receipts (field messages) for every message the product sends.</summary>
    public bool SendMessageReceipts { get; set; } = true;

    /// <summary>Adds logging providers to the host (none by default, so tests stay quiet).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>Connected business-initiated calls per user per 24 h before 138012.</summary>
    public int BusinessInitiatedCallsPer24Hours { get; set; } = 100;
}
