using System.Security.Cryptography;
using System.Text;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// Meta's Graph webhook subscription handshake: <c>GET ?hub.mode=subscribe&amp;hub.verify_token=…&amp;hub.challenge=…</c>.
/// If the mode is <c>subscribe</c> and the token is ours, the challenge goes back with 200; anything else is 403.
/// </summary>
public static class WebhookVerification
{
    /// <summary>The only <c>hub.mode</c> Meta sends for a subscription check.</summary>
    public const string SubscribeMode = "subscribe";

    /// <summary>
    /// Longest challenge echoed. Meta sends a short integer; the cap and the character set stop the endpoint
    /// from being used to reflect arbitrary content.
    /// </summary>
    public const int MaxChallengeLength = 256;

    /// <summary>Checks the three query parameters against <paramref name="expectedToken"/>.</summary>
    /// <param name="mode">Value of <c>hub.mode</c>, or null if absent.</param>
    /// <param name="verifyToken">Value of <c>hub.verify_token</c>, or null if absent.</param>
    /// <param name="challenge">Value of <c>hub.challenge</c>, or null if absent.</param>
    /// <param name="expectedToken">The verify token configured in the Meta app dashboard.</param>
    public static WebhookVerificationResult Verify(string? mode, string? verifyToken, string? challenge, string expectedToken)
    {
        // An empty configured token would let an empty query parameter through; that is a deployment error.
        ArgumentException.ThrowIfNullOrEmpty(expectedToken);

        if (!string.Equals(mode, SubscribeMode, StringComparison.Ordinal))
        {
            return new VerificationForbidden(VerificationFailure.WrongMode);
        }

        if (string.IsNullOrEmpty(verifyToken))
        {
            return new VerificationForbidden(VerificationFailure.MissingToken);
        }

        if (!TokensEqual(verifyToken, expectedToken))
        {
            return new VerificationForbidden(VerificationFailure.TokenMismatch);
        }

        if (!IsEchoableChallenge(challenge))
        {
            return new VerificationForbidden(VerificationFailure.InvalidChallenge);
        }

        return new VerificationAccepted(challenge);
    }

    // Compares SHA-256 digests so neither the content nor the length of the secret token leaks through timing.
    private static bool TokensEqual(string presented, string expected)
    {
        Span<byte> presentedDigest = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> expectedDigest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), presentedDigest);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), expectedDigest);
        return CryptographicOperations.FixedTimeEquals(presentedDigest, expectedDigest);
    }

    private static bool IsEchoableChallenge([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? challenge)
    {
        if (string.IsNullOrEmpty(challenge) || challenge.Length > MaxChallengeLength)
        {
            return false;
        }

        foreach (var c in challenge)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
