using Serverless.Shared.AudioPlans;
using System.Buffers.Binary;
using Serverless.MediaNode.Recording;
using Serverless.MediaNode.Tests.Recording;
using Serverless.WebRtc.Media;
using Xunit.Abstractions;

namespace Serverless.MediaNode.Tests.EndToEnd;

/// <summary>
/// Ten minutes of media-time packets fed straight to a recorder that streams to Azurite: the recorder's retained
/// memory stays at a few blocks (its own counter of queued and block bytes), and the committed blob is a
/// complete file of the right length.
/// </summary>
public sealed class RecordingStreamingTests(ITestOutputHelper output)
{
    private const int Minutes = 10;
    private const int Packets = Minutes * 60 * 50;
    private const int Chunk = 250; // 5 s fed at once, then the test waits for the worker (no drops by design)
    private const long RetainedBound = 1024 * 1024;
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    [Fact]
    [Trait("Category", "Azurite")]
    public async Task TenMinutesOfWav_StreamToABlockBlob_WithBoundedMemory_AndTheBlobIsTheWholeWav()
    {
        var callId = $"long-wav-{Guid.NewGuid():N}";
        var storage = AzuriteStorage.Service();
        await using var recorder = new CallRecorder(callId, RecordingFormat.Wav, Codecs.Shared, new BlobRecordingStore(storage));

        await FeedAsync(recorder);
        var name = await recorder.CompleteAsync(CancellationToken.None).WaitAsync(Wait);

        const long dataLength = Packets * 960L * 2;
        Assert.Equal($"recordings/{callId}.wav", name);
        Assert.Equal(0, recorder.PacketsDropped);
        output.WriteLine($"WAV: file {44 + dataLength} bytes, peak retained {recorder.PeakRetainedBytes} bytes");
        Assert.InRange(recorder.PeakRetainedBytes, 1, RetainedBound); // the file is 55 times larger
        Assert.Equal(TimeSpan.FromMinutes(Minutes), recorder.Duration);
        var blob = storage.GetBlobContainerClient("recordings").GetBlobClient($"{callId}.wav");
        var file = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal("audio/wav", (await blob.GetPropertiesAsync()).Value.ContentType);
        Assert.Equal(44 + dataLength, file.Length);
        Assert.Equal(file.Length, recorder.SizeBytes);
        Assert.True(file.AsSpan(0, 4).SequenceEqual("RIFF"u8));
        Assert.Equal(36 + dataLength, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)));
        Assert.True(file.AsSpan(8, 8).SequenceEqual("WAVEfmt "u8));
        Assert.Equal(48_000u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(24)));
        Assert.True(file.AsSpan(36, 4).SequenceEqual("data"u8));
        Assert.Equal(dataLength, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)));
        var lastSecond = new short[OpusCodec.SampleRate];
        for (var i = 0; i < lastSecond.Length; i++)
        {
            lastSecond[i] = BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(file.Length - (2 * lastSecond.Length) + (2 * i)));
        }

        Assert.InRange(ToneDetector.EstimateFrequency(lastSecond), 995, 1005);
    }

    [Fact]
    [Trait("Category", "Azurite")]
    public async Task TenMinutesOfOgg_StreamToABlockBlob_WithBoundedMemory_AndTheBlobIsTheWholeOggOpus()
    {
        var callId = $"long-ogg-{Guid.NewGuid():N}";
        var storage = AzuriteStorage.Service();
        await using var recorder = new CallRecorder(callId, RecordingFormat.OggOpus, Codecs.Shared, new BlobRecordingStore(storage));

        await FeedAsync(recorder);
        var name = await recorder.CompleteAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.Equal($"recordings/{callId}.ogg", name);
        Assert.Equal(0, recorder.PacketsDropped);
        var blob = storage.GetBlobContainerClient("recordings").GetBlobClient($"{callId}.ogg");
        var file = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        output.WriteLine($"Ogg: file {file.Length} bytes, peak retained {recorder.PeakRetainedBytes} bytes");
        Assert.InRange(recorder.PeakRetainedBytes, 1, RetainedBound);
        Assert.True(file.Length > 2 * RetainedBound, $"file {file.Length} bytes");
        var pages = OggTestReader.ReadPages(file);
        Assert.Equal(Packets * 960L, pages[^1].Granule);
        Assert.Equal(Packets, pages.Skip(2).Sum(p => p.Packets.Count));
        Assert.Equal(4, pages[^1].HeaderType); // end of stream
        Assert.Equal(file.Length, recorder.SizeBytes);
    }

    private static async Task FeedAsync(CallRecorder recorder)
    {
        var second = Codecs.EncodeTone(1000, 50); // one second of packets, repeated at rising timestamps
        for (var i = 0; i < Packets; i++)
        {
            recorder.Append(second[i % second.Length], unchecked(123_456u + (uint)(i * 960)));
            if ((i + 1) % Chunk == 0)
            {
                await recorder.DrainedAsync().WaitAsync(Wait);
            }
        }
    }
}
