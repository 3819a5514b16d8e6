using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Fuzz;

/// <summary>
/// Mutations from valid seeds: byte-level (bit flips, interesting values, insert/delete/duplicate, splice,
/// truncate), line-level for text protocols and value-level for JSON. Deterministic for a given seed.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0D, 0x0A, 0x20, 0x22, 0x5C, 0x3A, 0x2F];
    private static readonly ushort[] Interesting16 = [0, 1, 3, 4, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0xFFFC];
    private static readonly uint[] Interesting32 = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x2112A442];

    private static readonly string[] InterestingNumbers =
        ["0", "-1", "1", "65535", "65536", "2147483647", "2147483648", "4294967295", "4294967296",
         "9223372036854775807", "99999999999999999999999", "1e309", "-0", "0x10", "1.5", "NaN", ""];

    private static readonly string[] InterestingStrings =
        ["", " ", "\0", "\ud800", "\udfff", "\r\n", "%00", "../..", new string('A', 5000), "\u202e", "null", "{}", "[]"];

    public Random Random { get; } = new(seed);

    public byte[] MutateBytes(byte[] input, IReadOnlyList<byte[]> pool)
    {
        var data = new List<byte>(input);
        var rounds = 1 + Random.Next(4);
        for (var r = 0; r < rounds; r++)
        {
            MutateOnce(data, pool);
        }

        return [.. data];
    }

    /// <summary>Line-aware mutation of CRLF text (SDP), falling back to bytes.</summary>
    public byte[] MutateLines(byte[] input, IReadOnlyList<byte[]> pool, IReadOnlyList<string> dictionary)
    {
        if (Random.Next(4) == 0)
        {
            return MutateBytes(input, pool);
        }

        var lines = Encoding.UTF8.GetString(input).Split("\r\n").ToList();
        var rounds = 1 + Random.Next(3);
        for (var r = 0; r < rounds && lines.Count > 0; r++)
        {
            var i = Random.Next(lines.Count);
            switch (Random.Next(8))
            {
                case 0:
                    lines.RemoveAt(i);
                    break;
                case 1:
                    lines.Insert(i, lines[Random.Next(lines.Count)]);
                    break;
                case 2:
                    (lines[i], lines[^1]) = (lines[^1], lines[i]);
                    break;
                case 3:
                    lines[i] = ReplaceNumber(lines[i]);
                    break;
                case 4:
                    lines.Insert(i, dictionary[Random.Next(dictionary.Count)] + Pick(InterestingNumbers) + " " + Pick(InterestingNumbers));
                    break;
                case 5:
                    lines[i] = lines[i].Length > 0 ? lines[i][..Random.Next(lines[i].Length)] : lines[i];
                    break;
                case 6:
                    var insert = Pick(InterestingStrings);
                    lines[i] = lines[i].Insert(Random.Next(lines[i].Length + 1), insert[..Math.Min(64, insert.Length)]);
                    break;
                default:
                    var count = Random.Next(1, 50);
                    for (var k = 0; k < count; k++)
                    {
                        lines.Insert(i, lines[i]); // many repeats: allocation and limits
                    }

                    break;
            }
        }

        var text = string.Join(Random.Next(10) == 0 ? "\n" : "\r\n", lines);
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Value-level mutation of JSON (replace, delete, duplicate, rename, nest), falling back to bytes.</summary>
    public byte[] MutateJson(byte[] input, IReadOnlyList<byte[]> pool)
    {
        if (Random.Next(4) == 0)
        {
            return MutateBytes(input, pool);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(input, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return MutateBytes(input, pool);
        }

        if (root is null)
        {
            return MutateBytes(input, pool);
        }

        var rounds = 1 + Random.Next(3);
        for (var r = 0; r < rounds; r++)
        {
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            var target = nodes[Random.Next(nodes.Count)];
            var parent = target.Parent;
            var replacement = Random.Next(3) == 0 && nodes.Count > 1 ? nodes[Random.Next(nodes.Count)].DeepClone() : InterestingValue();
            switch (parent)
            {
                case JsonObject obj:
                    var name = target.GetPropertyName();
                    switch (Random.Next(4))
                    {
                        case 0:
                            obj.Remove(name);
                            break;
                        case 1:
                            obj.Remove(name);
                            obj[name + Pick(["", "_", "X", "\u0000"])] = replacement;
                            break;
                        default:
                            obj[name] = replacement;
                            break;
                    }

                    break;
                case JsonArray array:
                    var index = array.IndexOf(target);
                    switch (Random.Next(3))
                    {
                        case 0:
                            array.RemoveAt(index);
                            break;
                        case 1:
                            var copies = Random.Next(1, 100);
                            for (var k = 0; k < copies; k++)
                            {
                                array.Add(target.DeepClone());
                            }

                            break;
                        default:
                            array[index] = replacement;
                            break;
                    }

                    break;
                default:
                    root = replacement ?? JsonValue.Create(0);
                    break;
            }
        }

        var bytes = Encoding.UTF8.GetBytes(root?.ToJsonString() ?? "null");
        return Random.Next(5) == 0 ? MutateBytes(bytes, pool) : bytes;
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
        }
    }

    private JsonNode? InterestingValue()
    {
        switch (Random.Next(9))
        {
            case 0:
                return null;
            case 1:
                return JsonValue.Create(Random.Next(2) == 0);
            case 2:
                return JsonNode.Parse(Pick(["0", "-1", "2147483648", "1e308", "-1e308", "1.5", "99999999999999999999999999", "0.000001", "9007199254740993"]));
            case 3:
                return JsonValue.Create(Pick(InterestingStrings));
            case 4:
                return JsonValue.Create(Pick(InterestingNumbers));
            case 5:
                return new JsonArray();
            case 6:
                return new JsonObject();
            case 7:
                var depth = Random.Next(1, 80);
                JsonNode nested = new JsonArray();
                for (var i = 0; i < depth; i++)
                {
                    nested = new JsonArray(nested);
                }

                return nested;
            default:
                return JsonValue.Create(new string((char)Random.Next(0x20, 0xFFFF), Random.Next(1, 300)));
        }
    }

    private string ReplaceNumber(string line)
    {
        var digits = line.Select((c, i) => (c, i)).Where(t => char.IsAsciiDigit(t.c)).Select(t => t.i).ToList();
        if (digits.Count == 0)
        {
            return line;
        }

        var start = digits[Random.Next(digits.Count)];
        var end = start;
        while (end < line.Length && char.IsAsciiDigit(line[end]))
        {
            end++;
        }

        while (start > 0 && char.IsAsciiDigit(line[start - 1]))
        {
            start--;
        }

        return string.Concat(line.AsSpan(0, start), Pick(InterestingNumbers), line.AsSpan(end));
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> pool)
    {
        var op = data.Count == 0 ? 5 : Random.Next(11);
        var at = data.Count == 0 ? 0 : Random.Next(data.Count);
        switch (op)
        {
            case 0:
                data[at] ^= (byte)(1 << Random.Next(8));
                break;
            case 1:
                data[at] = (byte)Random.Next(256);
                break;
            case 2:
                data[at] = Pick(InterestingBytes);
                break;
            case 3 when data.Count - at >= 2:
                Span<byte> two = stackalloc byte[2];
                BinaryPrimitives.WriteUInt16BigEndian(two, Pick(Interesting16));
                data[at] = two[0];
                data[at + 1] = two[1];
                break;
            case 4 when data.Count - at >= 4:
                Span<byte> four = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(four, Pick(Interesting32));
                for (var i = 0; i < 4; i++)
                {
                    data[at + i] = four[i];
                }

                break;
            case 5:
                var count = Random.Next(1, 16);
                for (var i = 0; i < count; i++)
                {
                    data.Insert(at, (byte)Random.Next(256));
                }

                break;
            case 6:
                data.RemoveRange(at, Math.Min(data.Count - at, Random.Next(1, 32)));
                break;
            case 7:
                var length = Math.Min(data.Count - at, Random.Next(1, 64));
                data.InsertRange(Random.Next(data.Count + 1), data.GetRange(at, length));
                break;
            case 8:
                var other = pool[Random.Next(pool.Count)];
                if (other.Length > 0)
                {
                    var from = Random.Next(other.Length);
                    var take = Math.Min(other.Length - from, Random.Next(1, 128));
                    data.InsertRange(at, other.AsSpan(from, take).ToArray());
                }

                break;
            case 9:
                data.RemoveRange(at, data.Count - at);
                break;
            default:
                data[at] = (byte)(data[at] + Random.Next(-4, 5));
                break;
        }
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    public static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
