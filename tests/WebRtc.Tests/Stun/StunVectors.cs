namespace Serverless.WebRtc.Tests.Stun;

/// <summary>The RFC 5769 sample messages, byte for byte, and their credentials.</summary>
internal static class StunVectors
{
    public const string ShortTermPassword = "VOkJxbRl1RmTxUk/WvJxBt";

    /// <summary>RFC 5769 §2.1: Binding request, short-term credentials, padding with 0x20.</summary>
    public static readonly byte[] SampleRequest = Convert.FromHexString(
        "000100582112a442b7e7a701bc34d686fa87dfae" +
        "802200105354554e207465737420636c69656e74" +  // SOFTWARE "STUN test client"
        "002400046e0001ff" +                          // PRIORITY
        "80290008932ff9b151263b36" +                  // ICE-CONTROLLED
        "000600096576746a3a68367659202020" +          // USERNAME "evtj:h6vY" + 3 pad
        "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" + // MESSAGE-INTEGRITY
        "80280004e57a3bcf");                          // FINGERPRINT

    /// <summary>RFC 5769 §2.2: Binding success response, XOR-MAPPED-ADDRESS 192.0.2.1:32853.</summary>
    public static readonly byte[] SampleIPv4Response = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae" +
        "8022000b7465737420766563746f7220" +          // SOFTWARE "test vector" + 1 pad
        "002000080001a147e112a643" +                  // XOR-MAPPED-ADDRESS
        "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7" +
        "80280004c07d4c96");

    /// <summary>RFC 5769 §2.3: Binding success response, XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853.</summary>
    public static readonly byte[] SampleIPv6Response = Convert.FromHexString(
        "010100482112a442b7e7a701bc34d686fa87dfae" +
        "8022000b7465737420766563746f7220" +
        "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9" +
        "00080014a382954e4be67bf11784c97c8292c275bfe3ed41" +
        "80280004c8fb0b4c");

    /// <summary>RFC 5769 §2.4: Binding request with long-term credentials (no FINGERPRINT).</summary>
    public static readonly byte[] SampleLongTermRequest = Convert.FromHexString(
        "000100602112a44278ad3433c6ad72c029da412e" +
        "00060012e3839ee38388e383aae38383e382afe382b90000" + // USERNAME "マトリックス"
        "0015001c662f2f3439396b39353464364f4c33346f4c39465354767936347341" + // NONCE
        "0014000b6578616d706c652e6f726700" +          // REALM "example.org"
        "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666");

    public static readonly byte[] SampleTransactionId = Convert.FromHexString("b7e7a701bc34d686fa87dfae");

    public const string LongTermUsername = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    public const string LongTermRealm = "example.org";
    public const string LongTermNonce = "f//499k954d6OL34oL9FSTvy64sA";

    /// <summary>RFC 5769 §2.4 gives "The&lt;U+00AD&gt;M&lt;U+00AA&gt;tr&lt;U+2168&gt;", which SASLprep maps to this.</summary>
    public const string LongTermPasswordAfterSaslPrep = "TheMatrIX";
}
