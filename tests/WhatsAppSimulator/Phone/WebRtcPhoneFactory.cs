using System.Collections.Concurrent;
using System.Net;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;

namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>
/// Creates a <see cref="WebRtcPhone"/> per call, all on one UDP port bound to <c>127.0.0.1</c> that announces only
/// loopback host candidates, in ICE-lite mode as Meta's media servers are. Scripts are per user (<see cref="SetScript"/>)
/// or <see cref="DefaultScript"/>.
/// </summary>
public sealed class WebRtcPhoneFactory : ISimulatedPhoneFactory, IDisposable
{
    private readonly PeerFactory _peers;
    private readonly ConcurrentDictionary<string, PhoneScript> _scripts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<WebRtcPhone> _phones = [];
    private readonly List<(Func<WebRtcPhone, bool> Match, TaskCompletionSource<WebRtcPhone> Found)> _waiters = [];

    private WebRtcPhoneFactory(PeerFactory peers) => _peers = peers;

    /// <summary>The script for users without one of their own (default: silent).</summary>
    public PhoneScript DefaultScript { get; set; } = PhoneScript.Silent;

    /// <summary>The UDP endpoint every phone uses.</summary>
    public IPEndPoint LocalEndPoint => _peers.Mux.LocalEndPoint;

    /// <summary>Every phone created so far, oldest first.</summary>
    public IReadOnlyList<WebRtcPhone> Phones
    {
        get
        {
            lock (_gate)
            {
                return [.. _phones];
            }
        }
    }

    /// <summary>Binds the phones' UDP port on <paramref name="bindAddress"/> (default 127.0.0.1, any free port).</summary>
    public static async Task<WebRtcPhoneFactory> CreateAsync(IPAddress? bindAddress = null, CancellationToken cancellationToken = default)
    {
        var peers = await PeerFactory.CreateAsync(
            new PeerFactoryOptions
            {
                Mux = new UdpMuxOptions { BindAddress = bindAddress ?? IPAddress.Loopback },
                Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
                Peer = new PeerOptions { Ice = new IceAgentOptions { Lite = true }, CanonicalName = "simulated-phone" },
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new WebRtcPhoneFactory(peers);
    }

    /// <summary>Sets what <paramref name="userWaId"/>'s phone does in later calls.</summary>
    public void SetScript(string userWaId, PhoneScript script) => _scripts[userWaId] = script;

    /// <inheritdoc />
    public ISimulatedPhone Create(SimulatedPhoneContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var phone = new WebRtcPhone(_peers, context, _scripts.GetValueOrDefault(context.UserWaId, DefaultScript));
        List<TaskCompletionSource<WebRtcPhone>> found = [];
        lock (_gate)
        {
            _phones.Add(phone);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(phone))
                {
                    found.Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in found)
        {
            waiter.TrySetResult(phone);
        }

        return phone;
    }

    /// <summary>The first phone (existing or future) created for a call with <paramref name="userWaId"/>.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>.</exception>
    public Task<WebRtcPhone> WaitForPhoneAsync(string userWaId, TimeSpan timeout) =>
        WaitForPhoneAsync(p => string.Equals(p.Context.UserWaId, userWaId, StringComparison.Ordinal), timeout);

    /// <summary>The first phone (existing or future) that matches.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>.</exception>
    public Task<WebRtcPhone> WaitForPhoneAsync(Func<WebRtcPhone, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        var found = new TaskCompletionSource<WebRtcPhone>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _phones.FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            _waiters.Add((match, found));
        }

        return found.Task.WaitAsync(timeout);
    }

    /// <summary>Closes the UDP port (phones still open stop receiving).</summary>
    public void Dispose() => _peers.Dispose();
}
