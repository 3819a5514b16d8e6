using System.Text.RegularExpressions;

namespace Serverless.Functions.Callbacks;

/// <summary>Configuration section <see cref="SectionName"/> of status callbacks.</summary>
public sealed partial class CallbackOptions
{
    /// <summary>Default configuration section.</summary>
    public const string SectionName = "Callbacks";

    /// <summary>HMAC key the receivers verify with (at least 32 characters). A secret: never logged.</summary>
    public string SigningSecret { get; set; } = string.Empty;

    /// <summary>Used only when no <c>TableServiceClient</c> is registered.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Prefix of the outbox table's name.</summary>
    public string TablePrefix { get; set; } = "Cb";

    /// <summary>Receives the status events of calls whose dial named no <c>callbackUrl</c> (null: such calls send none).</summary>
    public Uri? DefaultCallbackUrl { get; set; }

    /// <summary>
    /// Lets callbacks reach 127.0.0.0/8 and ::1, over https and (as IP literals) plain http: local development only. The
    /// Functions refuse to start with it on unless the environment is Development (<see cref="EnvironmentSetting"/>).
    /// </summary>
    public bool AllowLoopback { get; set; }

    /// <summary>
    /// The setting that names the Functions environment: Core Tools sets it to Development locally, Azure to Production.
    /// <c>DOTNET_ENVIRONMENT</c> is read when it is absent.
    /// </summary>
    public const string EnvironmentSetting = "AZURE_FUNCTIONS_ENVIRONMENT";

    /// <summary>Lets callbacks reach private, CGNAT and unique-local ranges (a receiver on the same private network).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Deliveries per event before it is given up (the first attempt included).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Wait after the first failed attempt; doubles per attempt.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between attempts.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Timeout of one delivery attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a drain run holds a delivery before another run may take it (covers a crashed run).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Deliveries one drain run sends at most.</summary>
    public int DrainBatchSize { get; set; } = 50;

    /// <summary>Deliveries in flight at once to one receiver (scheme, host and port); different receivers never wait on each other.</summary>
    public int MaxConcurrentPerReceiver { get; set; } = 4;

    /// <summary>The outbox table's name.</summary>
    public string TableName => TablePrefix + "CallbackOutbox";

    /// <summary>Throws when a value cannot work.</summary>
    public void Validate()
    {
        if (SigningSecret.Length < 32)
        {
            throw new ArgumentException("SigningSecret must be at least 32 characters.", nameof(SigningSecret));
        }

        if (Serverless.Shared.Security.PlaceholderSecrets.IsPlaceholder(SigningSecret))
        {
            throw new ArgumentException(Serverless.Shared.Security.PlaceholderSecrets.Message("Callbacks:SigningSecret"), nameof(SigningSecret));
        }

        if (!Prefix().IsMatch(TablePrefix))
        {
            throw new ArgumentException($"TablePrefix '{TablePrefix}' must be 1-40 letters or digits starting with a letter.", nameof(TablePrefix));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBaseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMaxDelay, RetryBaseDelay);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(LeaseDuration, RequestTimeout);
        ArgumentOutOfRangeException.ThrowIfLessThan(DrainBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentPerReceiver, 1);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex Prefix();
}
