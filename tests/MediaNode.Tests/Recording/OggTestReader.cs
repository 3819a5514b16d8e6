using System.Buffers.Binary;

namespace Serverless.MediaNode.Tests.Recording;

/// <summary>One parsed Ogg page.</summary>
internal sealed record OggTestPage(byte HeaderType, long Granule, uint Serial, uint Sequence, List<byte[]> Packets);

/// <summary>
/// A minimal independent Ogg reader (RFC 3533 §6) for tests: checks capture pattern, version and each page's
/// CRC (bit-by-bit, not the production table), and splits packets by lacing values.
/// </summary>
internal static class OggTestReader
{
    public static List<OggTestPage> ReadPages(byte[] file)
    {
        var pages = new List<OggTestPage>();
        var offset = 0;
        while (offset < file.Length)
        {
            Assert.True(file.AsSpan(offset, 4).SequenceEqual("OggS"u8), $"capture pattern at {offset}");
            Assert.Equal(0, file[offset + 4]);
            var segments = file[offset + 26];
            var bodyLength = 0;
            for (var i = 0; i < segments; i++)
            {
                bodyLength += file[offset + 27 + i];
            }

            var pageLength = 27 + segments + bodyLength;
            var page = file.AsSpan(offset, pageLength).ToArray();
            var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(22));
            page[22] = page[23] = page[24] = page[25] = 0;
            Assert.Equal(BitwiseCrc(page), storedCrc);

            var packets = new List<byte[]>();
            var current = new List<byte>();
            var body = 27 + segments;
            for (var i = 0; i < segments; i++)
            {
                var lace = file[offset + 27 + i];
                current.AddRange(file.AsSpan(offset + body, lace).ToArray());
                body += lace;
                if (lace < 255)
                {
                    packets.Add([.. current]);
                    current.Clear();
                }
            }

            Assert.Empty(current); // our writer never continues packets across pages
            pages.Add(new OggTestPage(
                file[offset + 5],
                BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(offset + 6)),
                BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 14)),
                BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 18)),
                packets));
            offset += pageLength;
        }

        return pages;
    }

    // RFC 3533 §6: polynomial 0x04c11db7, MSB first, initial 0, no final XOR.
    public static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (var b in data)
        {
            crc ^= (uint)b << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000_0000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
        }

        return crc;
    }
}
