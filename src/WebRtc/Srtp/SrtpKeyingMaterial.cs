using System.Security.Cryptography;

namespace Serverless.WebRtc.Srtp;

/// <summary>
/// SRTP master keys and salts of both sides, split from the DTLS exporter output
/// (label "EXTRACTOR-dtls_srtp", RFC 5764 §4.2):
/// client_write_SRTP_master_key | server_write_SRTP_master_key | client_write_SRTP_master_salt | server_write_SRTP_master_salt.
/// "Local" keys protect what this endpoint sends; "remote" keys unprotect what it receives.
/// </summary>
internal sealed class SrtpKeyingMaterial
{
    private readonly byte[] _localKey;
    private readonly byte[] _localSalt;
    private readonly byte[] _remoteKey;
    private readonly byte[] _remoteSalt;

    private SrtpKeyingMaterial(SrtpProtectionProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt)
    {
        Profile = profile;
        _localKey = localKey;
        _localSalt = localSalt;
        _remoteKey = remoteKey;
        _remoteSalt = remoteSalt;
    }

    /// <summary>The negotiated protection profile.</summary>
    public SrtpProtectionProfile Profile { get; }

    /// <summary>Master key for packets this endpoint sends.</summary>
    public ReadOnlySpan<byte> LocalMasterKey => _localKey;

    /// <summary>Master salt for packets this endpoint sends.</summary>
    public ReadOnlySpan<byte> LocalMasterSalt => _localSalt;

    /// <summary>Master key for packets the peer sends.</summary>
    public ReadOnlySpan<byte> RemoteMasterKey => _remoteKey;

    /// <summary>Master salt for packets the peer sends.</summary>
    public ReadOnlySpan<byte> RemoteMasterSalt => _remoteSalt;

    /// <summary>
    /// Splits the exporter output. <paramref name="isClient"/> is this endpoint's DTLS role: the client
    /// sends with the client_write keys (RFC 5764 §4.2).
    /// </summary>
    /// <exception cref="ArgumentException">The material is not exactly <see cref="SrtpProfileParameters.GetExporterLength"/> bytes.</exception>
    public static SrtpKeyingMaterial FromDtlsExporter(ReadOnlySpan<byte> material, SrtpProtectionProfile profile, bool isClient)
    {
        int keyLength = profile.GetKeyLength();
        int saltLength = profile.GetSaltLength();
        if (material.Length != profile.GetExporterLength())
        {
            throw new ArgumentException(
                $"{profile} needs {profile.GetExporterLength()} bytes of DTLS exporter output, got {material.Length}.", nameof(material));
        }

        byte[] clientKey = material[..keyLength].ToArray();
        byte[] serverKey = material.Slice(keyLength, keyLength).ToArray();
        byte[] clientSalt = material.Slice(2 * keyLength, saltLength).ToArray();
        byte[] serverSalt = material.Slice((2 * keyLength) + saltLength, saltLength).ToArray();
        return isClient
            ? new SrtpKeyingMaterial(profile, clientKey, clientSalt, serverKey, serverSalt)
            : new SrtpKeyingMaterial(profile, serverKey, serverSalt, clientKey, clientSalt);
    }

    /// <summary>Context that protects what this endpoint sends (local keys).</summary>
    public SrtpContext CreateOutboundContext() => new(Profile, _localKey, _localSalt);

    /// <summary>Context that unprotects what the peer sends (remote keys).</summary>
    public SrtpContext CreateInboundContext() => new(Profile, _remoteKey, _remoteSalt);

    /// <summary>Wipes the master keys once the contexts exist.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(_localKey);
        CryptographicOperations.ZeroMemory(_localSalt);
        CryptographicOperations.ZeroMemory(_remoteKey);
        CryptographicOperations.ZeroMemory(_remoteSalt);
    }

    /// <summary>Never prints key bytes.</summary>
    public override string ToString() => $"SrtpKeyingMaterial({Profile}, keys redacted)";
}
