using System.Reflection;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Sessions;
using Serverless.Shared.Transport;

namespace Serverless.MediaNode.Health;

/// <summary>
/// Writes this node's row (partition <see cref="PartitionKey"/>, row = node id) every interval, so the Functions
/// can see live nodes, their address and free capacity. The last write's success is the storage readiness signal.
/// </summary>
public sealed partial class HeartbeatService : BackgroundService
{
    /// <summary>Partition of all node rows.</summary>
    public const string PartitionKey = "medianode";

    private static readonly string Version = typeof(HeartbeatService).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly TableClient _table;
    private readonly MediaNodeOptions _options;
    private readonly SessionRegistry _sessions;
    private readonly PeerFactoryHost _peers;
    private readonly TimeProvider _time;
    private readonly ILogger<HeartbeatService> _logger;
    private readonly NewCallShare? _share;
    private readonly SemaphoreSlim _beatGate = new(1, 1);
    private volatile bool _lastWriteSucceeded;
    private int _beatPending;

    /// <summary>Creates the service; after each write it reads the peers' rows into <paramref name="share"/> (placement by free capacity).</summary>
    public HeartbeatService(TableClient table, MediaNodeOptions options, SessionRegistry sessions, PeerFactoryHost peers, TimeProvider time, ILogger<HeartbeatService> logger, NewCallShare? share = null)
    {
        _table = table;
        _options = options;
        _sessions = sessions;
        _peers = peers;
        _time = time;
        _logger = logger;
        _share = share;
        _sessions.RoomChanged += OnRoomChanged;
        if (_share is not null)
        {
            _share.RefreshWanted += OnRefreshWanted;
        }
    }

    /// <summary>Raised after each row reached Table Storage, with the free capacity it reported.</summary>
    public event Action<int>? RowWritten;

    /// <summary>Whether the last heartbeat reached Table Storage.</summary>
    public bool StorageReachable => _lastWriteSucceeded;

    /// <summary>Writes one row now.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        // One write at a time, each built when it starts: a slow earlier write cannot land last with older numbers.
        await _beatGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteRowAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _beatGate.Release();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _sessions.RoomChanged -= OnRoomChanged;
        if (_share is not null)
        {
            _share.RefreshWanted -= OnRefreshWanted;
        }

        _beatGate.Dispose();
        base.Dispose();
    }

    // A call taken, full, room again, or draining: tell the Functions and the peers now rather than at the next tick.
    // Off the caller's thread; changes while a beat waits to start share that beat (it reads the numbers when it
    // starts), so a burst of calls costs a few writes, not one each. A failure is logged and the next tick writes again.
    private void OnRoomChanged()
    {
        if (Interlocked.Exchange(ref _beatPending, 1) == 0)
        {
            _ = Task.Run(BeatNowAsync);
        }
    }

    private async Task BeatNowAsync()
    {
        try
        {
            await _beatGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                // Cleared before the row is built: a change from here on asks for another beat.
                Volatile.Write(ref _beatPending, 0);
                await WriteRowAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _beatGate.Release();
            }
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile: the stop writes the last row.
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or InvalidOperationException)
        {
            _lastWriteSucceeded = false;
            LogFailed(_logger, ex);
        }
    }

    private async Task WriteRowAsync(CancellationToken cancellationToken)
    {
        var entity = new TableEntity(PartitionKey, _options.NodeId)
        {
            ["Address"] = _options.PublicAddress,
            ["UdpPort"] = _peers.IsBound ? _peers.Port : _options.UdpPort,
            ["MaxCalls"] = _sessions.MaxCalls,
            ["ActiveCalls"] = _sessions.ActiveCount,
            ["FreeCapacity"] = _sessions.FreeCapacity,
            ["Draining"] = _sessions.IsDraining,
            ["Version"] = Version,
            ["BeatAt"] = _time.GetUtcNow(),
            // The Functions declare a node dead after several of its own intervals without a row (NodeWatch).
            ["IntervalSeconds"] = _options.HeartbeatInterval.TotalSeconds,
        };
        try
        {
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        _lastWriteSucceeded = true;
        RowWritten?.Invoke((int)entity["FreeCapacity"]);
        if (_share is not null)
        {
            await ReadPeersAsync(_share, cancellationToken).ConfigureAwait(false);
        }
    }

    // The share holds this node back on a view older than NewCallShare.RefreshWhenHeld: read the rows again, off the
    // receiver's thread (it asks again at most once per that period).
    private void OnRefreshWanted() => _ = Task.Run(() => ReadPeersAsync(_share!, CancellationToken.None));

    // The peers' loads for NewCallShare. A failed read keeps the last view: it ages out by FreshBeats, after which the
    // node takes new calls as plain competing consumers.
    private async Task ReadPeersAsync(NewCallShare share, CancellationToken cancellationToken)
    {
        var rows = new List<PeerLoad>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey}");
        try
        {
            await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (e.GetDateTimeOffset("BeatAt") is { } beatAt && e.GetDouble("IntervalSeconds") is { } seconds and > 0)
                {
                    rows.Add(new PeerLoad(
                        e.RowKey, e.GetInt32("ActiveCalls") ?? 0, e.GetInt32("MaxCalls") ?? 0, e.GetInt32("FreeCapacity") ?? 0, beatAt, TimeSpan.FromSeconds(seconds)));
                }
            }
        }
        catch (RequestFailedException ex)
        {
            LogPeersUnread(_logger, ex);
            return;
        }

        share.Observe(rows);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // A last row after the drain (which stops before this service): the Functions see this node draining and empty.
        try
        {
            await BeatAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or InvalidOperationException or OperationCanceledException)
        {
            LogFailed(_logger, ex);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        do
        {
            try
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException or InvalidOperationException)
            {
                _lastWriteSucceeded = false;
                LogFailed(_logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the peers' heartbeat rows failed; the last view is kept until it ages out")]
    private static partial void LogPeersUnread(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat write failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
