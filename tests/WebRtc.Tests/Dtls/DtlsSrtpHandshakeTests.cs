using System.Net;
using System.Net.Sockets;
using Serverless.WebRtc.Dtls;

using Serverless.WebRtc.Srtp;

namespace Serverless.WebRtc.Tests.Dtls;

public sealed class DtlsSrtpHandshakeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly DtlsCertificate _clientCert = DtlsCertificate.Generate();
    private readonly DtlsCertificate _serverCert = DtlsCertificate.Generate();

    [Fact]
    public async Task Rfc5764_4_2_BothSidesExportTheSameKeyingMaterial()
    {
        using var link = new Link();
        var (client, server) = await HandshakeBoth(link, _serverCert.Fingerprint, _clientCert.Fingerprint);

        Assert.Equal(SrtpProtectionProfile.Aes128CmHmacSha1Tag80, client.Profile);
        Assert.Equal(client.Profile, server.Profile);
        Assert.Equal(60, client.KeyingMaterial.Length);
        Assert.Equal(client.KeyingMaterial, server.KeyingMaterial);
        Assert.Equal(_serverCert.Fingerprint, client.RemoteFingerprint);
        Assert.Equal(_clientCert.Fingerprint, server.RemoteFingerprint);
        Assert.Equal(DtlsRole.Client, client.Role);
        Assert.Equal(DtlsRole.Server, server.Role);
    }

    [Fact]
    public async Task Rfc5764_4_1_1_ServerPicksItsPreferenceAmongTheClientsOffer()
    {
        using var link = new Link();
        var clientOptions = new DtlsSrtpOptions { Profiles = [SrtpProtectionProfile.Aes128CmHmacSha1Tag80, SrtpProtectionProfile.AeadAes128Gcm] };
        var serverOptions = new DtlsSrtpOptions { Profiles = [SrtpProtectionProfile.AeadAes128Gcm] };
        var (client, server) = await HandshakeBoth(link, _serverCert.Fingerprint, _clientCert.Fingerprint, clientOptions, serverOptions);

        Assert.Equal(SrtpProtectionProfile.AeadAes128Gcm, client.Profile);
        Assert.Equal(SrtpProtectionProfile.AeadAes128Gcm, server.Profile);
        Assert.Equal(56, server.KeyingMaterial.Length);
        Assert.Equal(client.KeyingMaterial, server.KeyingMaterial);
    }

    [Fact]
    public async Task Rfc5764_4_1_1_NoCommonProfileFailsTheHandshake()
    {
        using var link = new Link();
        var clientOptions = new DtlsSrtpOptions { Profiles = [SrtpProtectionProfile.Aes128CmHmacSha1Tag32], HandshakeTimeout = TimeSpan.FromSeconds(5) };
        var serverOptions = new DtlsSrtpOptions { Profiles = [SrtpProtectionProfile.AeadAes128Gcm], HandshakeTimeout = TimeSpan.FromSeconds(5) };
        var server = DtlsSrtpSession.HandshakeAsync(DtlsRole.Server, _serverCert, _clientCert.Fingerprint, link.Server, serverOptions);
        var client = DtlsSrtpSession.HandshakeAsync(DtlsRole.Client, _clientCert, _serverCert.Fingerprint, link.Client, clientOptions);

        var serverError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Wait));
        Assert.Equal(DtlsFailure.NoCommonSrtpProfile, serverError.Failure);
        await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.WaitAsync(Wait));
    }

    [Fact]
    public async Task Rfc5763_5_ClientRejectsAServerWhoseCertificateIsNotTheSdpFingerprint()
    {
        using var link = new Link();
        var stranger = DtlsCertificate.Generate().Fingerprint;
        var options = new DtlsSrtpOptions { HandshakeTimeout = TimeSpan.FromSeconds(5) };
        var server = DtlsSrtpSession.HandshakeAsync(DtlsRole.Server, _serverCert, _clientCert.Fingerprint, link.Server, options);
        var client = DtlsSrtpSession.HandshakeAsync(DtlsRole.Client, _clientCert, stranger, link.Client, options);

        var clientError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.WaitAsync(Wait));
        Assert.Equal(DtlsFailure.FingerprintMismatch, clientError.Failure);
        await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Wait));
    }

    [Fact]
    public async Task Rfc5763_5_ServerRejectsAClientWhoseCertificateIsNotTheSdpFingerprint()
    {
        using var link = new Link();
        var stranger = DtlsCertificate.Generate().Fingerprint;
        var options = new DtlsSrtpOptions { HandshakeTimeout = TimeSpan.FromSeconds(5) };
        var server = DtlsSrtpSession.HandshakeAsync(DtlsRole.Server, _serverCert, stranger, link.Server, options);
        var client = DtlsSrtpSession.HandshakeAsync(DtlsRole.Client, _clientCert, _serverCert.Fingerprint, link.Client, options);

        var serverError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Wait));
        Assert.Equal(DtlsFailure.FingerprintMismatch, serverError.Failure);
        await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.WaitAsync(Wait));
    }

    [Fact]
    public async Task Rfc6347_4_2_4_LostFlightsAreRetransmitted()
    {
        // Drop the first datagram each way: the ClientHello and the server's first flight.
        using var link = new Link(dropClientToServer: [0], dropServerToClient: [0]);
        var options = new DtlsSrtpOptions { InitialRetransmit = TimeSpan.FromMilliseconds(100) };
        var (client, server) = await HandshakeBoth(link, _serverCert.Fingerprint, _clientCert.Fingerprint, options, options);

        Assert.Equal(client.KeyingMaterial, server.KeyingMaterial);
        Assert.True(link.Dropped >= 2);
    }

    /// <summary>
    /// RFC 6347 §4.1.1 / §4.2.3: a flight's records share datagrams up to the MTU. The server's flight
    /// ServerHello..ServerHelloDone and the client's Certificate..Finished each fit one 1200-byte datagram.
    /// </summary>
    [Fact]
    public async Task Rfc6347_4_1_1_AFlightIsPackedIntoAsFewDatagramsAsFitTheMtu()
    {
        using var link = new Link();
        var (client, server) = await HandshakeBoth(link, _serverCert.Fingerprint, _clientCert.Fingerprint);
        Assert.Equal(client.KeyingMaterial, server.KeyingMaterial);

        var fromServer = link.ServerToClient.Select(Records).ToList();
        var fromClient = link.ClientToServer.Select(Records).ToList();
        Assert.All(link.ServerToClient.Concat(link.ClientToServer), d => Assert.InRange(d.Length, 1, 1200));

        // Handshake records of epoch 0 carry their message type in the clear (RFC 6347 §4.2.2).
        const int serverHello = 2, certificate = 11, serverHelloDone = 14, certificateVerify = 15, clientKeyExchange = 16;
        var serverFlight = Assert.Single(fromServer, d => d.Contains((22, serverHello)));
        Assert.Contains((22, certificate), serverFlight);
        Assert.Contains((22, serverHelloDone), serverFlight);
        var clientFlight = Assert.Single(fromClient, d => d.Contains((22, clientKeyExchange)));
        Assert.Contains((22, certificate), clientFlight);
        Assert.Contains((22, certificateVerify), clientFlight);
        Assert.Contains(clientFlight, r => r.ContentType == 20); // ChangeCipherSpec, then the encrypted Finished
        Assert.True(clientFlight.Count >= 5, $"the client's flight took {clientFlight.Count} records in its datagram");
        Assert.Equal(link.ServerToClient.Count, (int)link.Server.DatagramsSent);
    }

    /// <summary>The DTLS records of a datagram: (content type, handshake type or -1), header per RFC 6347 §4.1.</summary>
    private static List<(int ContentType, int HandshakeType)> Records(byte[] datagram)
    {
        var records = new List<(int, int)>();
        var offset = 0;
        while (offset + 13 <= datagram.Length)
        {
            var length = (datagram[offset + 11] << 8) | datagram[offset + 12];
            var epoch = (datagram[offset + 3] << 8) | datagram[offset + 4];
            var type = datagram[offset];
            records.Add((type, type == 22 && epoch == 0 ? datagram[offset + 13] : -1));
            offset += 13 + length;
        }

        Assert.Equal(datagram.Length, offset); // whole records only
        return records;
    }

    [Fact]
    public async Task CancellingAWaitingServerEndsItAsCancelled()
    {
        using var link = new Link();
        using var cts = new CancellationTokenSource();
        var server = DtlsSrtpSession.HandshakeAsync(DtlsRole.Server, _serverCert, _clientCert.Fingerprint, link.Server, null, cts.Token);
        await cts.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => server.WaitAsync(Wait));
        Assert.True(error is OperationCanceledException or DtlsHandshakeException { Failure: DtlsFailure.Cancelled }, error.ToString());
    }

    [Fact]
    public async Task Rfc5246_7_2_1_CloseSendsCloseNotifyToThePeer()
    {
        using var link = new Link();
        var (client, server) = await HandshakeBoth(link, _serverCert.Fingerprint, _clientCert.Fingerprint);
        var before = link.ClientToServerCount;

        client.Close();
        client.Close(); // idempotent

        Assert.Equal(before + 1, link.ClientToServerCount);
        Assert.Equal(21, link.LastClientToServer![0]); // content type alert (RFC 6347 §4.1)
        server.Dispose();
    }

    [Fact]
    public async Task HandshakeCompletesOverRealUdpOnLoopback()
    {
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var clientChannel = new DtlsPacketChannel(d => a.SendTo(d, SocketFlags.None, b.LocalEndPoint!));
        using var serverChannel = new DtlsPacketChannel(d => b.SendTo(d, SocketFlags.None, a.LocalEndPoint!));
        using var stop = new CancellationTokenSource();
        var pumps = new[] { Pump(a, clientChannel, stop.Token), Pump(b, serverChannel, stop.Token) };

        var server = DtlsSrtpSession.HandshakeAsync(DtlsRole.Server, _serverCert, _clientCert.Fingerprint, serverChannel);
        var client = DtlsSrtpSession.HandshakeAsync(DtlsRole.Client, _clientCert, _serverCert.Fingerprint, clientChannel);
        using var s = await server.WaitAsync(Wait);
        using var c = await client.WaitAsync(Wait);

        Assert.Equal(c.KeyingMaterial, s.KeyingMaterial);
        await stop.CancelAsync();
        a.Close();
        b.Close();
        await Task.WhenAll(pumps).WaitAsync(Wait);
    }

    private static Task Pump(Socket socket, DtlsPacketChannel channel, CancellationToken stop) => Task.Run(async () =>
    {
        var buffer = new byte[2048];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, stop);
                channel.Deliver(buffer.AsSpan(0, n));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }, CancellationToken.None);

    private async Task<(DtlsSrtpSession Client, DtlsSrtpSession Server)> HandshakeBoth(
        Link link, CertificateFingerprint serverFp, CertificateFingerprint clientFp, DtlsSrtpOptions? clientOptions = null, DtlsSrtpOptions? serverOptions = null)
    {
        var server = DtlsSrtpSession.HandshakeAsync(DtlsRole.Server, _serverCert, clientFp, link.Server, serverOptions);
        var client = DtlsSrtpSession.HandshakeAsync(DtlsRole.Client, _clientCert, serverFp, link.Client, clientOptions);
        return (await client.WaitAsync(Wait), await server.WaitAsync(Wait));
    }

    /// <summary>Two channels wired back to back, optionally dropping chosen datagrams by index.</summary>
    private sealed class Link : IDisposable
    {
        private int _c2s;
        private int _s2c;
        private int _dropped;

        public Link(int[]? dropClientToServer = null, int[]? dropServerToClient = null)
        {
            var dropC2S = new HashSet<int>(dropClientToServer ?? []);
            var dropS2C = new HashSet<int>(dropServerToClient ?? []);
            Client = new DtlsPacketChannel(d =>
            {
                var i = Interlocked.Increment(ref _c2s) - 1;
                LastClientToServer = d.ToArray();
                lock (ClientToServer)
                {
                    ClientToServer.Add(d.ToArray());
                }

                if (dropC2S.Contains(i))
                {
                    Interlocked.Increment(ref _dropped);
                    return;
                }

                Server!.Deliver(d);
            });
            Server = new DtlsPacketChannel(d =>
            {
                var i = Interlocked.Increment(ref _s2c) - 1;
                lock (ServerToClient)
                {
                    ServerToClient.Add(d.ToArray());
                }

                if (dropS2C.Contains(i))
                {
                    Interlocked.Increment(ref _dropped);
                    return;
                }

                Client.Deliver(d);
            });
        }

        public DtlsPacketChannel Client { get; }

        public DtlsPacketChannel Server { get; }

        public int Dropped => Volatile.Read(ref _dropped);

        /// <summary>Every datagram each way, dropped ones included.</summary>
        public List<byte[]> ClientToServer { get; } = [];

        public List<byte[]> ServerToClient { get; } = [];

        public int ClientToServerCount => Volatile.Read(ref _c2s);

        public byte[]? LastClientToServer { get; private set; }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }
}
