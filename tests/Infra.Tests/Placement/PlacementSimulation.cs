using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Nodes;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.InMemory;

namespace Serverless.Infra.Tests.Placement;

/// <summary>
/// Issue 17's placement simulation, in process on a fake clock: simulated MediaNodes behind the product's real
/// placement code. The real parts:
/// <list type="bullet">
/// <item>the Functions' verdict before queueing a start (<see cref="NodeRegistry.Judge"/> over the beats of nodes
/// <see cref="NodeRegistry.IsDead"/> does not call dead);</item>
/// <item>the shared new-calls queue and each node's receiver: <see cref="InMemoryCommandReceiver"/> takes at most
/// <see cref="ICommandHandler.NewCallRoom"/> starts per round, through the real <see cref="CommandProcessor"/>.</item>
/// </list>
/// Simulated: each node's sessions (start, end after a drawn duration; its room is
/// <c>SessionRegistry.FreeCapacity</c>'s rule: 0 while draining, else MaxCalls - active), its heartbeat (every
/// interval, and at once when it fills, frees or starts draining, as HeartbeatService does), SIGTERM (drain, then
/// stop at the drain deadline) and SIGKILL (silence). Deterministic: one seeded random source, no real time.
/// </summary>
internal sealed class PlacementSimulation : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryCommandBus _bus;
    private readonly MediaTransportOptions _transport = new() { Kind = TransportKind.InMemory };
    private readonly InMemoryCommandSender _sender;
    private readonly NodeRegistry _registry;
    private readonly NodeWatchOptions _watch = new();
    private readonly Random _random;
    private readonly Dictionary<string, NodeBeat> _beats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PeerLoad> _loads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _waiting = new(StringComparer.Ordinal);

    public PlacementSimulation(int seed, int nodes, int maxCalls)
    {
        _random = new Random(seed);
        _bus = new InMemoryCommandBus(_time);
        _sender = new InMemoryCommandSender(_bus, _transport.QueueNames());
        // The registry's table is never read here: the simulation holds the rows and asks the registry's rules.
        _registry = new NodeRegistry(new NodeHeartbeatTable(new TableClient("UseDevelopmentStorage=true", "medianodes")), Options.Create(_watch), _time);
        Nodes = [.. Enumerable.Range(0, nodes).Select(i => new SimNode(this, $"medianode-{i}", maxCalls))];
    }

    public IReadOnlyList<SimNode> Nodes { get; }

    public TimeSpan Step { get; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan HeartbeatInterval { get; } = TimeSpan.FromSeconds(2);

    public TimeSpan DrainTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls.PlacementWindow: a start nobody claims by then fails <c>capacity</c>.</summary>
    public TimeSpan PlacementWindow { get; } = TimeSpan.FromSeconds(10);

    public DateTimeOffset Now => _time.GetUtcNow();

    public TimeProvider Time => _time;

    public PlacementStats Stats { get; } = new();

    /// <summary>The Functions place one new call: refuse with 503 when the registry says every live node is full, else queue its start.</summary>
    public async Task PlaceAsync(string callId)
    {
        var live = _beats.Values.Where(b => !_registry.IsDead(b, Now)).ToList();
        if (NodeRegistry.Judge(live) == NodeRoom.Full)
        {
            Stats.RefusedFull++;
            return;
        }

        await _sender.SendAsync(new StartOutbound { CallId = callId, CreatedAt = Now });
        _waiting[callId] = Now;
        Stats.Queued++;
    }

    /// <summary>One step of the fake clock: every running node receives once (in a random order: competing consumers), calls end, beats go out.</summary>
    public async Task StepAsync()
    {
        _time.Advance(Step);
        foreach (var node in Nodes)
        {
            node.Tick();
        }

        foreach (var node in Nodes.Where(n => n.Running).OrderBy(_ => _random.Next()))
        {
            await node.Receiver.ReceiveOnceAsync(node, CancellationToken.None);
        }

        // The sweeper's placement window: a start still unclaimed fails capacity.
        foreach (var (callId, queuedAt) in _waiting.Where(w => Now - w.Value > PlacementWindow).ToList())
        {
            _waiting.Remove(callId);
            Stats.PlacementWindowFailures++;
        }

        foreach (var node in Nodes)
        {
            Stats.MaxActiveSeen = Math.Max(Stats.MaxActiveSeen, node.Active);
            if (node.Active > node.MaxCalls)
            {
                Stats.OverCapacity++;
            }
        }
    }

    /// <summary>Whether the Functions' registry calls <paramref name="node"/> dead now.</summary>
    public bool JudgedDead(SimNode node) => _beats.TryGetValue(node.Id, out var beat) && _registry.IsDead(beat, Now);

    public int Next(int maxExclusive) => _random.Next(maxExclusive);

    public double NextDouble() => _random.NextDouble();

    public void Dispose() => _bus.Dispose();

    /// <summary>
    /// The node writes its row (as HeartbeatService does: FreeCapacity is SessionRegistry's, not the share's), then
    /// reads every row into its <see cref="NewCallShare"/>, as HeartbeatService does after each write.
    /// </summary>
    internal void Beat(SimNode node)
    {
        _beats[node.Id] = new NodeBeat(node.Id, Now, HeartbeatInterval, node.Active, node.Draining, default, node.FreeCapacity);
        _loads[node.Id] = new PeerLoad(node.Id, node.Active, node.MaxCalls, node.FreeCapacity, Now, HeartbeatInterval);
        node.Share.Observe(_loads.Values);
    }

    /// <summary>A held node's fresh read of the rows (HeartbeatService's answer to <see cref="NewCallShare.RefreshWanted"/>).</summary>
    internal void ReadRows(NewCallShare share) => share.Observe(_loads.Values);

    internal void Claimed(string callId, SimNode node)
    {
        if (_waiting.Remove(callId))
        {
            Stats.Placed++;
            Stats.PlacedPerNode[node.Id] = Stats.PlacedPerNode.GetValueOrDefault(node.Id) + 1;
        }
        else
        {
            Stats.LateOrDuplicateStarts++;
        }
    }

    internal InMemoryCommandReceiver ReceiverFor(string nodeId) =>
        new(_bus, nodeId, _transport, new CommandProcessorFactory(new InMemoryIdempotencyStore(_time), new CallSequenceGate(), _transport, _time));

    internal TimeSpan DrawDuration() => TimeSpan.FromSeconds(30 + (_random.NextDouble() * 240));
}

/// <summary>One simulated MediaNode process (a restart makes a fresh process under the same id, as a pod would).</summary>
internal sealed class SimNode(PlacementSimulation simulation, string id, int maxCalls) : ICommandHandler
{
    private readonly Dictionary<string, DateTimeOffset> _calls = new(StringComparer.Ordinal);
    private DateTimeOffset _nextBeat = PlacementSimulation.Start;
    private DateTimeOffset? _drainDeadline;
    private DateTimeOffset? _restartAt;
    private bool _wasFull;

    public string Id { get; } = id;

    public int MaxCalls { get; } = maxCalls;

    public bool Running { get; private set; } = true;

    public bool Draining { get; private set; }

    public DateTimeOffset UpSince { get; private set; } = PlacementSimulation.Start;

    public DateTimeOffset? KilledAt { get; private set; }

    public int Active => _calls.Count;

    public InMemoryCommandReceiver Receiver { get; private set; } = simulation.ReceiverFor(id);

    /// <summary>Test control: a node that keeps reporting room while draining (a broken room rule).</summary>
    public bool IgnoresDrainInRoom { get; set; }

    /// <summary>SessionRegistry.FreeCapacity's rule.</summary>
    public int FreeCapacity => !Running || (Draining && !IgnoresDrainInRoom) ? 0 : Math.Max(0, MaxCalls - _calls.Count);

    /// <summary>The node's view of its peers (the product's placement rule, fed by the beats).</summary>
    public NewCallShare Share { get; private set; } = NewShare(simulation, id);

    /// <summary>MediaCommandHandler.NewCallRoom: the free capacity, shared by <see cref="NewCallShare"/>.</summary>
    public int NewCallRoom => Share.Room(_calls.Count, MaxCalls, FreeCapacity);

    public Task HandleAsync(MediaCommand command, CancellationToken cancellationToken)
    {
        if (command is not StartOutbound start)
        {
            return Task.CompletedTask;
        }

        // What the placement must never do: hand a start to a node that is gone, draining or full.
        if (!Running || Draining || _calls.Count >= MaxCalls)
        {
            simulation.Stats.StartsOnUnfitNode++;
            throw new InvalidOperationException($"{Id} took a start it cannot serve");
        }

        _calls[start.CallId] = simulation.Now + simulation.DrawDuration();
        simulation.Claimed(start.CallId, this);
        // SessionRegistry raises RoomChanged on every admission: the row is written (and the peers read) at once.
        _wasFull = _calls.Count >= MaxCalls;
        simulation.Beat(this);
        return Task.CompletedTask;
    }

    /// <summary>Calls that reached their end hang up; beats, drain deadline and restart run on the clock.</summary>
    public void Tick()
    {
        var now = simulation.Now;
        if (!Running)
        {
            if (_restartAt is { } at && now >= at)
            {
                Restart();
            }

            return;
        }

        foreach (var (callId, endsAt) in _calls.Where(c => c.Value <= now).ToList())
        {
            _calls.Remove(callId);
            simulation.Stats.Completed++;
        }

        RoomMayHaveChanged();
        if (Draining && (_calls.Count == 0 || now >= _drainDeadline))
        {
            simulation.Stats.EndedByDrainDeadline += _calls.Count;
            _calls.Clear();
            Running = false;
            _restartAt = now + TimeSpan.FromSeconds(10);
            return;
        }

        if (now >= _nextBeat)
        {
            simulation.Beat(this);
            _nextBeat = now + simulation.HeartbeatInterval;
        }
    }

    /// <summary>SIGTERM: no new calls (the beat says so at once); live calls run up to the drain deadline.</summary>
    public void Terminate()
    {
        Draining = true;
        _drainDeadline = simulation.Now + simulation.DrainTimeout;
        simulation.Beat(this);
    }

    /// <summary>SIGKILL: the process is gone with its calls; nothing is said to anyone.</summary>
    public void Kill()
    {
        simulation.Stats.LostWithKilledNode += _calls.Count;
        _calls.Clear();
        Running = false;
        KilledAt = simulation.Now;
        _restartAt = simulation.Now + TimeSpan.FromSeconds(30);
    }

    private void Restart()
    {
        Running = true;
        Draining = false;
        _drainDeadline = null;
        _restartAt = null;
        KilledAt = null;
        UpSince = simulation.Now;
        Receiver = simulation.ReceiverFor(Id);
        Share = NewShare(simulation, Id);
        _wasFull = false;
        simulation.Beat(this);
        _nextBeat = simulation.Now + simulation.HeartbeatInterval;
    }

    private static NewCallShare NewShare(PlacementSimulation simulation, string id)
    {
        var share = new NewCallShare(id, simulation.Time);
        share.RefreshWanted += () => simulation.ReadRows(share);
        return share;
    }

    private void RoomMayHaveChanged()
    {
        var full = _calls.Count >= MaxCalls;
        if (full != _wasFull)
        {
            _wasFull = full;
            simulation.Beat(this);
        }
    }
}

/// <summary>What happened in one run.</summary>
internal sealed class PlacementStats
{
    public int Queued { get; set; }


    public int Placed { get; set; }

    public int RefusedFull { get; set; }

    public int PlacementWindowFailures { get; set; }

    public int StartsOnUnfitNode { get; set; }

    public int LateOrDuplicateStarts { get; set; }

    public int OverCapacity { get; set; }

    public int MaxActiveSeen { get; set; }

    public int Completed { get; set; }

    public int LostWithKilledNode { get; set; }

    public int EndedByDrainDeadline { get; set; }

    public Dictionary<string, int> PlacedPerNode { get; } = new(StringComparer.Ordinal);

    /// <summary>Per 1 s sample in steady state: (busiest - idlest) / MaxCalls over serving nodes up for a while.</summary>
    public List<double> SpreadOfCapacity { get; } = [];

    /// <summary>Per sample: busiest / mean - 1 over the same nodes.</summary>
    public List<double> PeakOverMean { get; } = [];
}
