using System.Buffers;
using Microsoft.AspNetCore.Http;
using Serverless.Functions.Http;

namespace Serverless.Functions.Tests.Api;

/// <summary>
/// The body reader's memory follows the bytes that arrive, never the declared Content-Length (the attack: many
/// connections declaring 4 MiB and sending one byte each), and a body over the limit is refused.
/// </summary>
public sealed class BodyReaderTests
{
    private const int Limit = 4 * 1024 * 1024;

    [Fact]
    public async Task A_declared_4_MiB_body_that_sends_one_byte_rents_one_small_buffer()
    {
        var pool = new CountingPool();
        var request = Request([(byte)'{'], declaredLength: Limit);

        var body = await BodyReader.ReadAsync(request, Limit, pool, CancellationToken.None);

        Assert.Equal([(byte)'{'], Assert.IsType<byte[]>(body));
        Assert.Equal(BodyReader.InitialBufferBytes, pool.LargestRequest);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task A_declared_4_MiB_body_that_sends_one_byte_allocates_far_less_than_the_declared_size()
    {
        // Warm the shared pool and the code path, so the measurement counts only what one request costs.
        await BodyReader.ReadAsync(Request([1], declaredLength: Limit), Limit, CancellationToken.None);

        var request = Request([1], declaredLength: Limit);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var body = await BodyReader.ReadAsync(request, Limit, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Single(body!);
        // The old reader allocated the declared 4 MiB up front; what is left is the pooled buffer and small objects.
        Assert.True(allocated < 64 * 1024, $"reading a 1-byte body declared as {Limit} bytes allocated {allocated} bytes");
    }

    [Fact]
    public async Task A_body_that_arrives_in_small_pieces_is_read_whole_and_every_buffer_goes_back()
    {
        var pool = new CountingPool();
        var payload = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var request = Request(payload, declaredLength: null, pieceSize: 700);

        var body = await BodyReader.ReadAsync(request, Limit, pool, CancellationToken.None);

        Assert.Equal(payload, Assert.IsType<byte[]>(body));
        Assert.Equal(0, pool.Outstanding);
        // Grown by doubling with the data: never more than twice what arrived.
        Assert.True(pool.LargestRequest <= 2 * payload.Length, $"largest buffer {pool.LargestRequest}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_refused_whether_declared_or_not(bool declared)
    {
        var pool = new CountingPool();
        var payload = new byte[10_001];
        var request = Request(payload, declaredLength: declared ? payload.Length : null, pieceSize: 1000);

        var body = await BodyReader.ReadAsync(request, 10_000, pool, CancellationToken.None);

        Assert.Null(body);
        Assert.Equal(0, pool.Outstanding);
        Assert.True(pool.LargestRequest <= 10_001, $"largest buffer {pool.LargestRequest}");
    }

    [Fact]
    public async Task A_body_of_exactly_the_limit_is_read()
    {
        var payload = new byte[10_000];
        Random.Shared.NextBytes(payload);

        var body = await BodyReader.ReadAsync(Request(payload, declaredLength: null, pieceSize: 3000), 10_000, CancellationToken.None);

        Assert.Equal(payload, Assert.IsType<byte[]>(body));
    }

    private static DefaultHttpContext Context(Stream body, long? declaredLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = declaredLength;
        return context;
    }

    private static HttpRequest Request(byte[] payload, long? declaredLength, int pieceSize = int.MaxValue) =>
        Context(new PieceStream(payload, pieceSize), declaredLength).Request;

    /// <summary>Hands out at most <c>pieceSize</c> bytes per read, as a slow client's packets arrive.</summary>
    private sealed class PieceStream(byte[] data, int pieceSize) : MemoryStream(data, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, pieceSize)], cancellationToken);
    }

    /// <summary>The shared pool, counting what is rented and not yet returned, and the largest request.</summary>
    private sealed class CountingPool : ArrayPool<byte>
    {
        private int _outstanding;
        private int _largest;

        public int Outstanding => Volatile.Read(ref _outstanding);

        public int LargestRequest => Volatile.Read(ref _largest);

        public override byte[] Rent(int minimumLength)
        {
            Interlocked.Increment(ref _outstanding);
            var largest = _largest;
            while (minimumLength > largest && Interlocked.CompareExchange(ref _largest, minimumLength, largest) != largest)
            {
                largest = _largest;
            }

            return Shared.Rent(minimumLength);
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            Interlocked.Decrement(ref _outstanding);
            Shared.Return(array, clearArray);
        }
    }
}
