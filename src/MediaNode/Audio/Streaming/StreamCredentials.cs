using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Audio.Streaming;

/// <summary>
/// The key a <c>stream</c> step's handshake carries when the plan names none itself: the node's Entra ID token for
/// Azure OpenAI (<see cref="StreamAuth.Entra"/>, scope <see cref="CognitiveServicesScope"/>), or a secret read from its
/// configured Key Vault with its identity (<see cref="StreamAuth.KeyVault"/>). Both are cached briefly (a token until
/// five minutes before it expires, a secret for <see cref="StreamKeysOptions.SecretCacheDuration"/>), so a burst of
/// calls costs one request. Values are never logged; failures name the source, never a value.
/// </summary>
public sealed class StreamCredentials
{
    /// <summary>The Entra ID scope of Azure OpenAI (Cognitive Services).</summary>
    public const string CognitiveServicesScope = "https://cognitiveservices.azure.com/.default";

    private static readonly TimeSpan TokenRefreshMargin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential? _identity;
    private readonly SecretClient? _vault;
    private readonly TimeSpan _secretCache;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (string Value, DateTimeOffset Until)> _secrets = new(StringComparer.Ordinal);
    private (string Value, DateTimeOffset Until)? _token;

    /// <summary>Creates the source; <paramref name="vault"/> is null when no Key Vault is configured (<c>StreamKeys:KeyVaultUri</c>).</summary>
    public StreamCredentials(TokenCredential? identity, SecretClient? vault, TimeSpan secretCacheDuration, TimeProvider time)
    {
        _identity = identity;
        _vault = vault;
        _secretCache = secretCacheDuration;
        _time = time;
    }

    /// <summary>Steps whose key comes from the plan only (tests, local runs).</summary>
    public static StreamCredentials None { get; } = new(null, null, TimeSpan.Zero, TimeProvider.System);

    /// <summary>The header the node adds for <paramref name="step"/>, or null when the plan carries its own key (or none).</summary>
    /// <exception cref="StreamCredentialException">The token or secret could not be obtained.</exception>
    public async Task<KeyValuePair<string, string>?> GetHeaderAsync(StreamStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        switch (step.Auth)
        {
            case StreamAuth.Entra:
                return new("Authorization", "Bearer " + await TokenAsync(cancellationToken));
            case StreamAuth.KeyVault:
                var key = await SecretAsync(step.KeyVaultSecret!, cancellationToken);
                return step.KeyHeader == StreamKeyHeader.ApiKey ? new("api-key", key) : new("Authorization", "Bearer " + key);
            default:
                return null;
        }
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && _time.GetUtcNow() < cached.Until)
        {
            return cached.Value;
        }

        if (_identity is null)
        {
            throw new StreamCredentialException("the node has no identity to get an Entra ID token with");
        }

        try
        {
            var token = await _identity.GetTokenAsync(new TokenRequestContext([CognitiveServicesScope]), cancellationToken);
            _token = (token.Token, token.ExpiresOn - TokenRefreshMargin);
            return token.Token;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Named by type only: whatever the identity failed with, the step fails to connect and its onError runs.
            throw new StreamCredentialException($"the node could not get an Entra ID token for Azure OpenAI ({e.GetType().Name})", e);
        }
    }

    private async Task<string> SecretAsync(string name, CancellationToken cancellationToken)
    {
        if (_secrets.TryGetValue(name, out var cached) && _time.GetUtcNow() < cached.Until)
        {
            return cached.Value;
        }

        if (_vault is null)
        {
            throw new StreamCredentialException($"the node has no Key Vault configured (StreamKeys:KeyVaultUri) to read the secret '{name}' from");
        }

        try
        {
            var secret = (await _vault.GetSecretAsync(name, cancellationToken: cancellationToken)).Value;
            if (string.IsNullOrEmpty(secret.Value) || !secret.Value.All(c => c is >= ' ' and <= '~'))
            {
                throw new StreamCredentialException($"the Key Vault secret '{name}' is empty or not a header value (visible ASCII)");
            }

            _secrets[name] = (secret.Value, _time.GetUtcNow() + _secretCache);
            return secret.Value;
        }
        catch (RequestFailedException e)
        {
            throw new StreamCredentialException($"Key Vault refused the secret '{name}' ({e.Status}{(e.ErrorCode is { } code ? " " + code : string.Empty)})", e);
        }
        catch (Exception e) when (e is AuthenticationFailedException)
        {
            throw new StreamCredentialException($"the node could not authenticate to Key Vault for the secret '{name}' ({e.GetType().Name})", e);
        }
        catch (Exception e) when (e is not (OperationCanceledException or StreamCredentialException))
        {
            // A broken connection or an unexpected challenge: the step fails to connect and its onError runs.
            throw new StreamCredentialException($"the node could not read the secret '{name}' from Key Vault ({e.GetType().Name})", e);
        }
    }
}

/// <summary>The node could not obtain a stream step's key; the message names the source, never a value.</summary>
public sealed class StreamCredentialException : Exception
{
    public StreamCredentialException()
    {
    }

    public StreamCredentialException(string message) : base(message)
    {
    }

    public StreamCredentialException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>Where the node finds the keys stream steps name (section <c>StreamKeys</c>, MediaNode only; validated at start).</summary>
public sealed class StreamKeysOptions
{
    public const string SectionName = "StreamKeys";

    /// <summary>The vault <c>keyVaultSecret</c> names are read from (https, e.g. <c>https://kv-x.vault.azure.net/</c>); null: none.</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <summary>How long a secret read is reused (0 to 1 h; default 5 min), so a rotated key takes effect within it.</summary>
    public TimeSpan SecretCacheDuration { get; set; } = TimeSpan.FromMinutes(5);
}
