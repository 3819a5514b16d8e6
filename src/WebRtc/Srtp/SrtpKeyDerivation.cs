namespace Serverless.WebRtc.Srtp;

/// <summary>
/// The AES-CM key derivation function of RFC 3711 §4.3 with key_derivation_rate = 0, which RFC 7714 §11
/// reuses for AES-GCM. r = index DIV kdr is then 0, so x = (label || 0^48) XOR master_salt and the
/// session key is the AES-CM keystream from IV = x * 2^16 (RFC 3711 §4.3.1, §4.3.3).
/// The master salt sits at the start of the block (its 112 bits end where r ends), so the label lands
/// in byte 7; a 96-bit GCM salt is zero-extended on the right, as libsrtp and pion do.
/// </summary>
internal static class SrtpKeyDerivation
{
    /// <summary>Labels of RFC 3711 §4.3.2 (SRTP) and §4.3.2 / §3.4 (SRTCP).</summary>
    public const byte SrtpEncryptionLabel = 0x00;
    public const byte SrtpAuthenticationLabel = 0x01;
    public const byte SrtpSaltLabel = 0x02;
    public const byte SrtcpEncryptionLabel = 0x03;
    public const byte SrtcpAuthenticationLabel = 0x04;
    public const byte SrtcpSaltLabel = 0x05;

    private const int LabelOffset = 7;

    /// <summary>Fills <paramref name="output"/> with the session key for <paramref name="label"/>.</summary>
    public static void Derive(AesCounterMode masterKeyPrf, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length > 14)
        {
            throw new ArgumentException("The master salt is at most 112 bits.", nameof(masterSalt));
        }

        Span<byte> iv = stackalloc byte[AesCounterMode.BlockLength];
        iv.Clear();
        masterSalt.CopyTo(iv);
        iv[LabelOffset] ^= label;

        output.Clear();
        masterKeyPrf.Apply(iv, output);
    }
}
