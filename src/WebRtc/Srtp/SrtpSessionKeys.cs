using System.Security.Cryptography;

namespace Serverless.WebRtc.Srtp;

/// <summary>Session keys for one direction and one of SRTP or SRTCP (RFC 3711 §4.3).</summary>
internal sealed class SrtpSessionKeys
{
    public SrtpSessionKeys(byte[] encryptionKey, byte[] salt, byte[] authenticationKey)
    {
        EncryptionKey = encryptionKey;
        Salt = salt;
        AuthenticationKey = authenticationKey;
    }

    public byte[] EncryptionKey { get; }

    public byte[] Salt { get; }

    /// <summary>HMAC-SHA1 key; empty for AEAD profiles.</summary>
    public byte[] AuthenticationKey { get; }

    /// <summary>Derives the SRTP (labels 0..2) and SRTCP (labels 3..5) session keys from a master key.</summary>
    public static (SrtpSessionKeys Rtp, SrtpSessionKeys Rtcp) Derive(
        SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != profile.GetKeyLength())
        {
            throw new ArgumentException($"{profile} needs a {profile.GetKeyLength()}-byte master key.", nameof(masterKey));
        }

        if (masterSalt.Length != profile.GetSaltLength())
        {
            throw new ArgumentException($"{profile} needs a {profile.GetSaltLength()}-byte master salt.", nameof(masterSalt));
        }

        using var prf = new AesCounterMode(masterKey);
        return (
            DeriveSet(profile, prf, masterSalt, SrtpKeyDerivation.SrtpEncryptionLabel, SrtpKeyDerivation.SrtpAuthenticationLabel, SrtpKeyDerivation.SrtpSaltLabel),
            DeriveSet(profile, prf, masterSalt, SrtpKeyDerivation.SrtcpEncryptionLabel, SrtpKeyDerivation.SrtcpAuthenticationLabel, SrtpKeyDerivation.SrtcpSaltLabel));
    }

    /// <summary>Wipes the key bytes once the ciphers hold their own copies.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(EncryptionKey);
        CryptographicOperations.ZeroMemory(Salt);
        CryptographicOperations.ZeroMemory(AuthenticationKey);
    }

    private static SrtpSessionKeys DeriveSet(
        SrtpProtectionProfile profile, AesCounterMode prf, ReadOnlySpan<byte> masterSalt, byte keyLabel, byte authLabel, byte saltLabel)
    {
        var key = new byte[profile.GetKeyLength()];
        var auth = new byte[profile.GetAuthKeyLength()];
        var salt = new byte[profile.GetSaltLength()];
        SrtpKeyDerivation.Derive(prf, masterSalt, keyLabel, key);
        SrtpKeyDerivation.Derive(prf, masterSalt, authLabel, auth);
        SrtpKeyDerivation.Derive(prf, masterSalt, saltLabel, salt);
        return new SrtpSessionKeys(key, salt, auth);
    }
}
