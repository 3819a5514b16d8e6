using System.Security.Cryptography;
using System.Text;

namespace Serverless.WebRtc.Stun;

/// <summary>Derives MESSAGE-INTEGRITY keys (RFC 8489 §9).</summary>
internal static class StunCredentials
{
    /// <summary>
    /// Short-term key: the password bytes (RFC 8489 §9.1.1). ICE passwords are ASCII
    /// (ice-char, RFC 8839 §5.4), for which OpaqueString/SASLprep is the identity, so UTF-8 encoding suffices.
    /// </summary>
    public static byte[] ShortTermKey(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return Encoding.UTF8.GetBytes(password);
    }

    /// <summary>
    /// Long-term key with the MD5 password algorithm: MD5(username ":" realm ":" password)
    /// (RFC 8489 §9.2.2; RFC 5389 §15.4). Inputs are taken as already SASLprep/OpaqueString-processed.
    /// </summary>
    public static byte[] LongTermKey(string username, string realm, string password)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(password);
#pragma warning disable CA5351 // MD5 is the key derivation RFC 8489 §9.2.2 defines; interop requires it.
        return MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}"));
#pragma warning restore CA5351
    }
}
