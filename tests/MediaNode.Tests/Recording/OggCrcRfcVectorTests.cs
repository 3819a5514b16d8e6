using CsCheck;
using Serverless.MediaNode.Recording;

namespace Serverless.MediaNode.Tests.Recording;

public sealed class OggCrcRfcVectorTests
{
    [Fact]
    public void Rfc3533_6_CheckValueOfTheStandardString()
    {
        // Polynomial 0x04C11DB7, not reflected, init 0, no final XOR: the complement of CRC-32/POSIX's
        // catalogued check value 0x765E7680 for "123456789".
        Assert.Equal(0x89A1897Fu, OggCrc.Compute("123456789"u8));
    }

    [Fact]
    public void Rfc3533_6_TableCrcEqualsTheBitwiseDefinition()
    {
        Gen.Byte.Array[0, 300].Sample(bytes => Assert.Equal(OggTestReader.BitwiseCrc(bytes), OggCrc.Compute(bytes)));
    }
}
