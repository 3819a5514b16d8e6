namespace Serverless.WebRtc.Tests.Rtp;

/// <summary>Capture-like packets shared by several test classes.</summary>
internal static class RtpTestVectors
{
    public const byte AudioLevelId = 1;
    public const byte AbsSendTimeId = 3;

    /// <summary>
    /// A 172-byte Opus packet as libwebrtc sends it: PT 111, one-byte extension with ssrc-audio-level (id 1,
    /// 1 byte) and abs-send-time (id 3, 3 bytes) padded to two words, then a 148-byte Opus frame.
    /// </summary>
    public static byte[] LibwebrtcOpusPacket()
    {
        var header = Convert.FromHexString("906F3039" + "0001E240" + "2A5C1B3D" + "BEDE0002" + "109F" + "32ABCDEF" + "0000");
        var payload = new byte[148];
        payload[0] = 0x78;
        for (var i = 1; i < payload.Length; i++)
        {
            payload[i] = (byte)(i * 7);
        }

        return [.. header, .. payload];
    }
}
